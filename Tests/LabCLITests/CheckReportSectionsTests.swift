import Foundation
import LabTestSupport
import Testing

/// A check report keeps its two questions apart (issue 22, item 7): what the check says about the
/// input, in plain words with yes/no answers, and whether the lab's own measurement is sound, with
/// ✓/✗ self-checks; and it links its terms to the guide.
@Suite("lab check report sections")
struct CheckReportSectionsTests {
  @Test("the diagnosis and the self-checks are separate sections, each with its own marks and summary")
  func sections() throws {
    let directory = try Scratch.directory()
    let x = try CheckCommandTests.write(CheckCommandTests.hierarchyData(), "X.npy", in: directory)
    let d = try CheckCommandTests.write(.identity(3), "D.npy", in: directory)
    let report = directory.appendingPathComponent("check.md").path
    let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--report", report, "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let text = try String(contentsOfFile: report, encoding: .utf8)
    let diagnosis = try #require(text.range(of: "### What it says about your input"))
    let soundness = try #require(text.range(of: "### Is the lab's own measurement sound?"))
    #expect(diagnosis.upperBound < soundness.lowerBound)
    let diagnosisPart = text[diagnosis.upperBound..<soundness.lowerBound], soundnessPart = text[soundness.upperBound...]
    #expect(diagnosisPart.contains("**Not a local optimum.**") && diagnosisPart.contains("| holds | condition |"))
    #expect(diagnosisPart.contains("| no | `within-span/pairs` |") && !diagnosisPart.contains("✓") && !diagnosisPart.contains("✗"))
    #expect(soundnessPart.contains("self-checks hold") && soundnessPart.contains("| ✓ | `descent/self-verification` |"))
    #expect(text.contains("## Terms used") && text.contains("docs/theory-guide.md#lp-k"))
  }
}
