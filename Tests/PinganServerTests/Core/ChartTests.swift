import XCTest
@testable import PinganServer

/// The charts are drawn from nodes: what they show must be the figures given, escaped, in both drawings.
final class ChartTests: XCTestCase {
    func testBarsAreProportionalEscapedAndDrawnForPhonesToo() {
        let html = Charts.bars([.init(label: "<b>甲</b>", values: [40, 10]), .init(label: "乙", values: [20, 0])],
                               series: ["登记", "调处成功"], title: "标题", Lang(isEnglish: false)).render()
        XCTAssertFalse(html.contains("<b>"), "labels are escaped")
        XCTAssertTrue(html.contains("&lt;b&gt;甲&lt;/b&gt;"))
        XCTAssertTrue(html.contains("wide-chart") && html.contains("narrow-chart"), "one drawing for screens, one for phones")
        // Wide: the longest bar spans the plot (640 - 170 - 44 = 426 units), half the value half of it.
        XCTAssertTrue(html.contains(#"width="426.0""#), html)
        XCTAssertTrue(html.contains(#"width="213.0""#), html)
        // Narrow: lengths in percent of the width, the longest 82%.
        XCTAssertTrue(html.contains(#"width="82.0%""#) && html.contains(#"width="41.0%""#), html)
        // A zero draws nothing but still says 0.
        XCTAssertTrue(html.contains(#"width="0.0""#) && html.contains(">0</text>"))
    }

    func testBarsFromABaselineSayWhereTheyStartAndPrintTheRealFigures() {
        let html = Charts.bars([.init(label: "A", values: [68.2]), .init(label: "B", values: [60.9])], series: ["平均得分"], title: "t",
                               from: 55, figure: { String(format: "%.1f", $0) }, Lang(isEnglish: true)).render()
        XCTAssertTrue(html.contains(">68.2</text>") && html.contains(">60.9</text>"), "figures are the values, not the bar lengths")
        XCTAssertTrue(html.contains("bars start at 55.0"))
        XCTAssertTrue(html.contains(#"width="426.0""#), "the largest value still spans the plot")
    }

    func testOnlyTheFirstRowsAreDrawnAndTheNoteSaysSo() {
        let rows = (1...25).map { Charts.Bar(label: "社区\($0)", values: [$0]) }
        let html = Charts.bars(rows, series: ["n"], title: "t", limit: 20, Lang(isEnglish: false)).render()
        XCTAssertTrue(html.contains("图中显示前20项，共25项"))
        XCTAssertFalse(html.contains("社区21<"))
        XCTAssertEqual(Charts.bars([], series: ["n"], title: "t", Lang(isEnglish: false)).render(), "", "no rows, no chart")
    }

    func testSharesMarkAPointWhollyBelowTheTarget() {
        let html = Charts.shares([.init(label: "09", share: 0.9, low: 0.88, high: 0.92), .init(label: "10", share: 0.97, low: 0.95, high: 0.99)],
                                 target: 0.95, title: "t", Lang(isEnglish: false)).render()
        XCTAssertEqual(html.components(separatedBy: "dot below").count - 1, 2, "the first month, in both drawings")
        XCTAssertTrue(html.contains("目标 95.0%"))
    }
}
