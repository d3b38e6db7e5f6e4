import Foundation
import XCTest
@testable import PinganKit

/// Every step of the grid-event loop, allowed and refused. Deadlines on the China working calendar
/// (08:30–12:00, 14:00–17:30); March 2026 has no holidays.
final class GridEventWorkflowTests: XCTestCase {
    let lc = LocalCalendar()
    func at(_ s: String) -> Date { lc.parseLocalDateTime(s)! }
    func fmt(_ d: Date?) -> String? { d.map { lc.formatDateTime($0) } }

    func step(_ s: GridEventState, _ a: GridEventAction, _ by: GridEventActor, _ time: String) throws -> GridEventState {
        try GridEventWorkflow.apply(a, to: s, by: by, at: at(time))
    }
    func refused(_ s: GridEventState, _ a: GridEventAction, _ by: GridEventActor, _ kind: GridEventWorkflowError.Kind,
                 zh: String? = nil, en: String? = nil, time: String = "2026-03-20 10:00", line: UInt = #line) {
        do {
            _ = try GridEventWorkflow.apply(a, to: s, by: by, at: at(time))
            XCTFail("\(a) by \(by) from \(s.status) was allowed", line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, error.messageEn, line: line)
            if let zh { XCTAssertEqual(error.messageZh, zh, line: line) }
            if let en { XCTAssertEqual(error.messageEn, en, line: line) }
        }
    }

    /// Reported Mon 09:00, registered, dispatched Mon 2026-03-09 10:00 with 21 working hours.
    func dispatched() throws -> GridEventState {
        var s = try GridEventWorkflow.report(by: .gridWorker, at: at("2026-03-09 09:00"))
        s = try step(s, .register(caseNumber: "PY-2026-000123"), .centre, "2026-03-09 09:30")
        return try step(s, .dispatch(unitID: "U-cg-shiqiao", timeLimit: .working(21)), .centre, "2026-03-09 10:00")
    }

    func testHappyPath() throws {
        var s = try GridEventWorkflow.report(by: .gridWorker, at: at("2026-03-09 09:00"))
        XCTAssertEqual(s.status, .reported)
        XCTAssertEqual(s.centreLevel, .street)
        s = try step(s, .register(caseNumber: " PY-2026-000123 "), .centre, "2026-03-09 09:30")
        XCTAssertEqual(s.status, .registered)
        XCTAssertEqual(s.caseNumber, "PY-2026-000123")
        s = try step(s, .dispatch(unitID: "U-cg-shiqiao", timeLimit: .working(21)), .centre, "2026-03-09 10:00")
        // Mon 10:00–12:00 2 h + 14:00–17:30 3.5 h = 5.5; Tue 7 → 12.5; Wed 7 → 19.5; Thu 08:30 + 1.5 h = 10:00.
        XCTAssertEqual(s.status, .dispatched)
        XCTAssertEqual(fmt(s.deadline), "2026-03-12 10:00")
        XCTAssertEqual(s.timeLimit, .working(21))
        s = try step(s, .accept, .unit, "2026-03-09 11:00")
        XCTAssertEqual(s.status, .handling)
        XCTAssertEqual(fmt(s.acceptedAt), "2026-03-09 11:00")
        s = try step(s, .feedback(note: "已更换井盖", photos: 2), .unit, "2026-03-10 15:00")
        XCTAssertEqual(s.status, .handled)
        XCTAssertEqual(fmt(s.handledAt), "2026-03-10 15:00")
        s = try step(s, .passVerification(photos: 1), .gridWorker, "2026-03-10 16:00")
        XCTAssertEqual(s.status, .closed)
        XCTAssertEqual(fmt(s.closedAt), "2026-03-10 16:00")
        XCTAssertTrue(s.status.isFinished)
        s = try step(s, .rate(.fairlySatisfied), .resident, "2026-03-11 08:00")
        XCTAssertEqual(s.satisfaction, .fairlySatisfied)
        XCTAssertEqual([s.returnCount, s.reworkCount, s.escalationCount, s.extensionCount], [0, 0, 0, 0])
        refused(s, .rate(.satisfied), .resident, .wrongState, zh: "该事件已评价")
        XCTAssertEqual(GridEventWorkflow.available(for: s, by: .resident), [])
    }

    func testReportAndDecline() throws {
        XCTAssertThrowsError(try GridEventWorkflow.report(by: .unit, at: at("2026-03-09 09:00"))) {
            XCTAssertEqual(($0 as? GridEventWorkflowError)?.kind, .wrongActor)
        }
        for actor in [GridEventActor.gridWorker, .resident, .centre] {
            XCTAssertEqual(try GridEventWorkflow.report(by: actor, at: at("2026-03-09 09:00"), centreLevel: .district).centreLevel, .district)
        }
        let s = try GridEventWorkflow.report(by: .resident, at: at("2026-03-09 09:00"))
        refused(s, .decline(reason: "  "), .centre, .invalidInput, zh: "请填写不予立案的理由", en: "Give the reason for declining")
        refused(s, .register(caseNumber: ""), .centre, .invalidInput)
        refused(s, .decline(reason: "不属于受理范围"), .gridWorker, .wrongActor,
                zh: "“不予立案”只能由指挥中心办理，网格员不能办理", en: "Only the command centre can decline, not a grid worker")
        let d = try step(s, .decline(reason: "不属于受理范围"), .centre, "2026-03-09 10:00")
        XCTAssertEqual(d.status, .declined)
        XCTAssertEqual(d.reason, "不属于受理范围")
        XCTAssertTrue(d.status.isFinished)
        // Nothing more happens to a declined event.
        refused(d, .register(caseNumber: "X"), .centre, .wrongState, zh: "“不予立案”的事件不能立案",
                en: "Cannot register an event that is declined")
        refused(d, .dispatch(unitID: "U", timeLimit: .working(7)), .centre, .wrongState)
        refused(d, .escalate(reason: "x"), .centre, .wrongState)
        XCTAssertEqual(GridEventWorkflow.available(for: d, by: .centre), [])
    }

    func testDispatchRules() throws {
        var s = try GridEventWorkflow.report(by: .gridWorker, at: at("2026-03-09 09:00"))
        refused(s, .dispatch(unitID: "U", timeLimit: .working(7)), .centre, .wrongState,
                zh: "“待立案”的事件不能派遣；可以：立案、不予立案、上报上级",
                en: "Cannot dispatch an event that is reported; allowed: register, decline, escalate")
        s = try step(s, .register(caseNumber: "N1"), .centre, "2026-03-09 09:30")
        refused(s, .dispatch(unitID: " ", timeLimit: .working(7)), .centre, .invalidInput)
        refused(s, .dispatch(unitID: "U", timeLimit: .working(0)), .centre, .invalidInput)
        refused(s, .dispatch(unitID: "U", timeLimit: .working(.nan)), .centre, .invalidInput)
        refused(s, .dispatch(unitID: "U", timeLimit: .working(7), deadline: at("2026-03-20 09:00")), .centre, .invalidInput,
                zh: "处置期限不能早于当前时间", en: "The deadline must be in the future")
        refused(s, .dispatch(unitID: "U", timeLimit: .working(7)), .unit, .wrongActor)
        // A deadline given by hand: Mon 10:00 → Tue 17:30 is 5.5 + 7 = 12.5 working hours.
        let fixed = try step(s, .dispatch(unitID: "U", timeLimit: .working(7), deadline: at("2026-03-10 17:30")), .centre, "2026-03-09 10:00")
        XCTAssertEqual(fixed.timeLimit, .working(12.5))
        XCTAssertEqual(fmt(fixed.deadline), "2026-03-10 17:30")
        // Before the deadline there must be working time: Sat 10:00 → Sun 10:00 has none.
        refused(s, .dispatch(unitID: "U", timeLimit: .working(7), deadline: at("2026-03-22 10:00")), .centre, .invalidInput,
                en: "There is no working time before that deadline", time: "2026-03-21 10:00")
        // Round the clock: Fri 2026-02-13 16:00 + 2 h = 18:00, outside working hours.
        let urgent = try step(s, .dispatch(unitID: "U", timeLimit: .clock(2)), .centre, "2026-02-13 16:00")
        XCTAssertEqual(fmt(urgent.deadline), "2026-02-13 18:00")
        // Re-dispatch before the unit accepts: a new unit and a new clock.
        let again = try step(fixed, .dispatch(unitID: "U2", timeLimit: .working(7)), .centre, "2026-03-10 09:00")
        XCTAssertEqual(again.unitID, "U2")
        XCTAssertEqual(fmt(again.deadline), "2026-03-11 09:00") // Tue 09:00–12:00 3 + 3.5 = 6.5; Wed 08:30 + 0.5
    }

    func testReturnAndRedispatch() throws {
        var s = try dispatched()
        refused(s, .returnToCentre(reason: ""), .unit, .invalidInput, en: "Give the reason for the return")
        refused(s, .returnToCentre(reason: "不属本单位职责"), .centre, .wrongActor)
        s = try step(s, .returnToCentre(reason: "不属本单位职责"), .unit, "2026-03-09 11:00")
        XCTAssertEqual(s.status, .returned)
        XCTAssertEqual(s.returnCount, 1)
        XCTAssertEqual(s.reason, "不属本单位职责")
        refused(s, .accept, .unit, .wrongState)
        XCTAssertEqual(GridEventWorkflow.available(for: s, by: .centre), [.dispatch, .escalate])
        s = try step(s, .dispatch(unitID: "U-sj-shiqiao", timeLimit: .working(21)), .centre, "2026-03-09 14:00")
        XCTAssertEqual(s.unitID, "U-sj-shiqiao")
        XCTAssertEqual(fmt(s.dispatchedAt), "2026-03-09 14:00")
        XCTAssertEqual(fmt(s.deadline), "2026-03-12 12:00") // Mon 3.5; Tue, Wed 7 + 7 = 17.5; Thu 3.5 → 12:00 = 21
        s = try step(s, .accept, .unit, "2026-03-09 15:00")
        // A unit may also return after accepting.
        s = try step(s, .returnToCentre(reason: "需住建部门处理"), .unit, "2026-03-10 09:00")
        XCTAssertEqual(s.returnCount, 2)
        XCTAssertNil(s.pendingExtension)
    }

    func testReworkLoop() throws {
        var s = try step(try dispatched(), .accept, .unit, "2026-03-09 11:00")
        refused(s, .feedback(note: " ", photos: 0), .unit, .invalidInput, zh: "请填写处置情况或上传照片")
        refused(s, .feedback(note: "done", photos: 1), .gridWorker, .wrongActor)
        s = try step(s, .feedback(note: "", photos: 1), .unit, "2026-03-10 10:00")
        refused(s, .passVerification(photos: 1), .unit, .wrongActor)
        refused(s, .passVerification(photos: 0), .gridWorker, .invalidInput, en: "On-the-spot verification needs at least one photo")
        refused(s, .failVerification(reason: "", photos: 1), .gridWorker, .invalidInput)
        refused(s, .failVerification(reason: "井盖仍松动", photos: 0), .gridWorker, .invalidInput)
        s = try step(s, .failVerification(reason: "井盖仍松动", photos: 1), .gridWorker, "2026-03-10 11:00")
        XCTAssertEqual(s.status, .rework)
        XCTAssertEqual(s.reworkCount, 1)
        XCTAssertEqual(s.reason, "井盖仍松动")
        refused(s, .returnToCentre(reason: "x"), .unit, .wrongState)
        refused(s, .passVerification(photos: 1), .gridWorker, .wrongState)
        XCTAssertEqual(GridEventWorkflow.available(for: s, by: .unit), [.requestExtension, .feedback])
        s = try step(s, .feedback(note: "重新加固", photos: 1), .unit, "2026-03-11 10:00")
        XCTAssertEqual(fmt(s.handledAt), "2026-03-11 10:00") // the last feedback
        s = try step(s, .failVerification(reason: "仍未修好", photos: 2), .gridWorker, "2026-03-11 11:00")
        XCTAssertEqual(s.reworkCount, 2)
        s = try step(s, .feedback(note: "更换", photos: 1), .unit, "2026-03-12 09:00")
        s = try step(s, .passVerification(note: "已修复", photos: 1), .gridWorker, "2026-03-12 10:00")
        XCTAssertEqual(s.status, .closed)
        XCTAssertEqual(fmt(s.deadline), "2026-03-12 10:00") // rework keeps the dispatch's deadline
    }

    func testExtension() throws {
        var s = try dispatched()
        refused(s, .requestExtension(hours: 7, reason: "需采购配件"), .unit, .wrongState) // accept first
        s = try step(s, .accept, .unit, "2026-03-09 11:00")
        refused(s, .requestExtension(hours: 0, reason: "x"), .unit, .invalidInput)
        refused(s, .requestExtension(hours: 7, reason: ""), .unit, .invalidInput)
        refused(s, .approveExtension(), .centre, .wrongState, en: "There is no extension request to decide")
        refused(s, .rejectExtension(reason: "x"), .centre, .wrongState)
        s = try step(s, .requestExtension(hours: 7, reason: "需采购配件"), .unit, "2026-03-10 09:00")
        XCTAssertEqual(s.pendingExtension?.hours, 7)
        refused(s, .requestExtension(hours: 3, reason: "again"), .unit, .wrongState, zh: "已有待审批的延期申请")
        refused(s, .approveExtension(), .unit, .wrongActor)
        refused(s, .approveExtension(hours: -1), .centre, .invalidInput)
        // Rejected: the reason is recorded, the deadline stays.
        let rejected = try step(s, .rejectExtension(reason: "配件有库存"), .centre, "2026-03-10 10:00")
        XCTAssertNil(rejected.pendingExtension)
        XCTAssertEqual(rejected.reason, "配件有库存")
        XCTAssertEqual(fmt(rejected.deadline), "2026-03-12 10:00")
        // Approved as requested: Thu 10:00 + 7 working hours = Fri 10:00; the limit grows to 28 h.
        let approved = try step(s, .approveExtension(), .centre, "2026-03-10 10:00")
        XCTAssertEqual(fmt(approved.deadline), "2026-03-13 10:00")
        XCTAssertEqual(approved.timeLimit, .working(28))
        XCTAssertEqual(approved.extensionCount, 1)
        XCTAssertNil(approved.pendingExtension)
        // Approved for fewer hours than asked: Thu 10:00 + 3.5 h = Thu 15:30 (2 h morning, 1.5 h afternoon).
        let partly = try step(s, .approveExtension(hours: 3.5), .centre, "2026-03-10 10:00")
        XCTAssertEqual(fmt(partly.deadline), "2026-03-12 15:30")
        // A feedback with a request still pending drops the request.
        XCTAssertNil(try step(s, .feedback(note: "done", photos: 1), .unit, "2026-03-10 11:00").pendingExtension)
    }

    func testEscalation() throws {
        var s = try GridEventWorkflow.report(by: .resident, at: at("2026-03-09 09:00"))
        refused(s, .escalate(reason: ""), .centre, .invalidInput)
        refused(s, .escalate(reason: "跨街道"), .gridWorker, .wrongActor)
        s = try step(s, .escalate(reason: "涉及两个街道"), .centre, "2026-03-09 09:10")
        XCTAssertEqual(s.centreLevel, .district)
        XCTAssertEqual(s.status, .reported) // the same event, one level up
        XCTAssertEqual(s.escalationCount, 1)
        refused(s, .escalate(reason: "again"), .centre, .wrongState,
                zh: "事件已在区指挥中心，无法再上报", en: "The event is already at the district centre; there is no level above")
        XCTAssertFalse(GridEventWorkflow.available(for: s, by: .centre).contains(.escalate))
        // A dispatched event escalates with its unit and clock unchanged.
        let d = try step(try dispatched(), .escalate(reason: "单位拒不处置"), .centre, "2026-03-12 11:00")
        XCTAssertEqual(d.status, .dispatched)
        XCTAssertEqual(d.unitID, "U-cg-shiqiao")
        XCTAssertEqual(fmt(d.deadline), "2026-03-12 10:00")
        XCTAssertEqual(d.centreLevel, .district)
    }

    func testSupervisionOrders() throws {
        var s = try dispatched()
        refused(s, .answerSupervision(note: "x"), .unit, .wrongState, zh: "没有待回复的督办单")
        refused(s, .supervise(.yellow), .unit, .wrongActor)
        s = try step(s, .supervise(.yellow), .centre, "2026-03-12 10:05")
        XCTAssertEqual(s.supervision, .yellow)
        XCTAssertFalse(s.supervisionAnswered)
        refused(s, .supervise(.yellow), .centre, .wrongState, en: "A yellow supervision order was issued; the next order must be red")
        refused(s, .answerSupervision(note: " "), .unit, .invalidInput)
        s = try step(s, .answerSupervision(note: "今日内完成"), .unit, "2026-03-12 11:00")
        XCTAssertTrue(s.supervisionAnswered)
        refused(s, .answerSupervision(note: "again"), .unit, .wrongState)
        s = try step(s, .supervise(.red), .centre, "2026-03-13 16:00")
        XCTAssertEqual(s.supervision, .red)
        refused(s, .supervise(.red), .centre, .wrongState, zh: "已发出红牌督办")
        // A handling feedback answers the open order.
        s = try step(s, .accept, .unit, "2026-03-13 16:10")
        s = try step(s, .feedback(note: "已处置", photos: 1), .unit, "2026-03-13 17:00")
        XCTAssertTrue(s.supervisionAnswered)
        refused(s, .supervise(.red), .centre, .wrongState) // no longer with the unit
        // A new dispatch clears the supervision of the old one.
        var r = try step(try dispatched(), .supervise(.yellow), .centre, "2026-03-12 10:05")
        r = try step(r, .returnToCentre(reason: "错派"), .unit, "2026-03-12 10:30")
        r = try step(r, .dispatch(unitID: "U2", timeLimit: .working(7)), .centre, "2026-03-12 11:00")
        XCTAssertNil(r.supervision)
        XCTAssertTrue(r.supervisionAnswered)
    }

    func testRating() throws {
        let s = try dispatched()
        refused(s, .rate(.satisfied), .resident, .wrongState)
        var c = try step(s, .accept, .unit, "2026-03-09 11:00")
        c = try step(c, .feedback(note: "ok", photos: 1), .unit, "2026-03-09 15:00")
        c = try step(c, .passVerification(photos: 1), .gridWorker, "2026-03-09 16:00")
        refused(c, .rate(.satisfied), .gridWorker, .wrongActor)
        refused(c, .rate(.satisfied), .centre, .wrongActor)
        XCTAssertEqual(try step(c, .rate(.dissatisfied), .resident, "2026-03-10 09:00").satisfaction, .dissatisfied)
    }

    /// Every action kind × status × actor: refused for the wrong actor kind (first) and for the wrong
    /// state; otherwise allowed, and the status after it is the expected one.
    func testTransitionMatrix() throws {
        let target: [GridEventActionKind: GridEventStatus] = [
            .register: .registered, .decline: .declined, .dispatch: .dispatched, .accept: .handling, .returnToCentre: .returned,
            .feedback: .handled, .passVerification: .closed, .failVerification: .rework,
        ]
        func sample(_ k: GridEventActionKind) -> GridEventAction {
            switch k {
            case .register: .register(caseNumber: "N"); case .decline: .decline(reason: "r")
            case .dispatch: .dispatch(unitID: "U", timeLimit: .working(7)); case .accept: .accept
            case .returnToCentre: .returnToCentre(reason: "r"); case .requestExtension: .requestExtension(hours: 7, reason: "r")
            case .approveExtension: .approveExtension(); case .rejectExtension: .rejectExtension(reason: "r")
            case .feedback: .feedback(note: "n"); case .assist: .assist(unitID: "H", note: "n"); case .passVerification: .passVerification(photos: 1)
            case .failVerification: .failVerification(reason: "r", photos: 1); case .escalate: .escalate(reason: "r")
            case .supervise: .supervise(.yellow); case .answerSupervision: .answerSupervision(note: "n"); case .rate: .rate(.satisfied)
            }
        }
        var allowed = 0
        for status in GridEventStatus.allCases {
            for kind in GridEventActionKind.allCases {
                var s = GridEventState(status: status, reportedAt: at("2026-03-09 09:00"))
                s.timeLimit = .working(21); s.deadline = at("2026-03-12 10:00"); s.dispatchedAt = at("2026-03-09 10:00")
                if kind == .approveExtension || kind == .rejectExtension {
                    s.pendingExtension = GridEventExtensionRequest(hours: 7, reason: "r", requestedAt: at("2026-03-10 09:00"))
                }
                if kind == .answerSupervision { s.supervision = .yellow; s.supervisionAnswered = false }
                if kind == .assist { s.unitID = "U"; s.helperUnitIDs = ["H"] }
                for actor in GridEventActor.allCases {
                    let expected: GridEventWorkflowError.Kind? = !kind.actors.contains(actor) ? .wrongActor
                        : !kind.allowedFrom.contains(status) ? .wrongState : nil
                    do {
                        let next = try GridEventWorkflow.apply(sample(kind), to: s, by: actor, at: at("2026-03-10 10:00"))
                        XCTAssertNil(expected, "\(kind) by \(actor) from \(status)")
                        XCTAssertEqual(next.status, target[kind] ?? status, "\(kind) from \(status)")
                        XCTAssertTrue(GridEventWorkflow.available(for: s, by: actor).contains(kind), "\(kind) from \(status)")
                        allowed += 1
                    } catch {
                        XCTAssertEqual(error.kind, expected, "\(kind) by \(actor) from \(status): \(error.messageEn)")
                        XCTAssertFalse(GridEventWorkflow.available(for: s, by: actor).contains(kind))
                    }
                }
            }
        }
        // Allowed (status, action) pairs, one actor kind each: register 1, decline 1, dispatch 3, accept 1,
        // return 2, extension ×3 2 each = 6, feedback 2, verification ×2 1 each = 2, escalate 6, supervise 3,
        // answer 4, rate 1, assist 3 = 35.
        XCTAssertEqual(allowed, 35)
    }

    /// 主办 and 协办: helpers share the dispatch, report their part without moving the event, and are replaced by the next
    /// dispatch; a unit not named, or named twice, or the lead named as its own helper, is refused.
    func testHelpingUnits() throws {
        var s = try GridEventWorkflow.report(by: .gridWorker, at: at("2026-03-09 09:00"))
        s = try step(s, .register(caseNumber: "N-1"), .centre, "2026-03-09 09:30")
        refused(s, .dispatch(unitID: "U1", timeLimit: .working(7), helperUnitIDs: ["U2", "U1"]), .centre, .invalidInput, zh: "主办单位不能同时作为协办单位")
        refused(s, .dispatch(unitID: "U1", timeLimit: .working(7), helperUnitIDs: ["U2", "U2"]), .centre, .invalidInput, en: "A helping unit is listed twice")
        refused(s, .dispatch(unitID: "U1", timeLimit: .working(7), helperUnitIDs: (2...7).map { "U\($0)" }), .centre, .invalidInput, en: "At most 5 helping units")
        s = try step(s, .dispatch(unitID: "U1", timeLimit: .working(7), helperUnitIDs: ["U2", "U3"]), .centre, "2026-03-09 10:00")
        XCTAssertEqual(s.helpers, ["U2", "U3"]); XCTAssertEqual(s.helpersReported, [])
        XCTAssertEqual(GridEventWorkflow.available(for: s, by: .helper), [.assist])
        refused(s, .assist(unitID: "U4", note: "n"), .helper, .wrongActor, en: "Your unit is not helping with this event")
        refused(s, .assist(unitID: "U2", note: "  "), .helper, .invalidInput)
        refused(s, .feedback(note: "n"), .helper, .wrongActor)
        s = try step(s, .assist(unitID: "U2", note: "已派人清理"), .helper, "2026-03-09 11:00")
        s = try step(s, .assist(unitID: "U2", note: "", photos: 1), .helper, "2026-03-09 11:30")
        XCTAssertEqual(s.status, .dispatched, "a helper's report does not move the event")
        XCTAssertEqual(s.helpersReported, ["U2"])
        s = try step(s, .accept, .unit, "2026-03-09 12:00")
        s = try step(s, .returnToCentre(reason: "非本单位职责"), .unit, "2026-03-09 14:30")
        refused(s, .assist(unitID: "U3", note: "n"), .helper, .wrongState)
        s = try step(s, .dispatch(unitID: "U5", timeLimit: .working(7)), .centre, "2026-03-09 15:00")
        XCTAssertEqual(s.helpers, []); XCTAssertEqual(s.helpersReported, [])
        // A state stored before helpers existed decodes with none.
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(s)) as! [String: Any]
        old["helperUnitIDs"] = nil; old["helperReportedUnitIDs"] = nil
        let decoded = try JSONDecoder().decode(GridEventState.self, from: JSONSerialization.data(withJSONObject: old))
        XCTAssertEqual(decoded.helpers, []); XCTAssertEqual(decoded.unitID, "U5")
    }
}
