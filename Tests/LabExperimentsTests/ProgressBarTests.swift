import Testing
@testable import lab

@Suite("Progress bar")
struct ProgressBarTests {
  @Test("The bar's text shows the completed fraction, the step and the elapsed seconds, within the width")
  func line() {
    #expect(ProgressBar.line(completed: 3, total: 6, label: "exclusive: training", elapsed: 12.7, width: 80)
      == "[##########----------] 3/6 exclusive: training (12 s)")
    #expect(ProgressBar.line(completed: 0, total: 4, label: "x", elapsed: 2, width: 80) == "[--------------------] 0/4 x (2 s)")
    #expect(ProgressBar.line(completed: 9, total: 4, label: "x", elapsed: 2, width: 80) == "[####################] 4/4 x (2 s)")
    let cut = ProgressBar.line(completed: 1, total: 2, label: String(repeating: "y", count: 200), elapsed: 0, width: 40)
    #expect(cut.count == 40 && cut.hasSuffix("…"))
  }

  @Test("A disabled bar draws nothing and finishes cleanly")
  func disabled() {
    let bar = ProgressBar(total: 3, enabled: false)
    bar.update(completed: 1, label: "step")
    bar.finish()
    #expect(!ProgressBar.isWanted(quiet: true))
  }
}
