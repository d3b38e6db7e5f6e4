/// API description of the Desk feature.
extension APICatalog {
    static let desk: [APIOperation] = [
        .get("api/v1/desk", "The caller's own desk (工作台): the sections, figures and work items for their role and scope"),
    ]
}
