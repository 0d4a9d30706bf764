import Foundation
import LabFormats
import LabNumerics
import LabTestSupport
import Testing

/// Issue 16 item 1: where a float32 input enters `lab check`, the report's thresholds follow the
/// verdict's ε (10⁻⁵·scale instead of 10⁻⁷·scale, THEORY §5.1) — the verdict, the KKT bound, the
/// mop-up bound and the wide bound — and the record says which precision was read.
@Suite("lab check: float32 inputs get the float32 thresholds")
struct CheckPrecisionTests {
  @Test("The same data as float64 and as float32: ε, the KKT, mop-up and wide bounds of the report follow the precision", arguments: [
    (NumPyArray.ElementType.float64, "1e-07·scale", "< 10⁻⁶", "< 10⁻⁵", "≤ 10⁻⁹"),
    (.float32, "1e-05·scale", "< 10⁻⁴", "< 10⁻³", "≤ 10⁻⁷"),
  ])
  func thresholdsFollowPrecision(type: NumPyArray.ElementType, epsilon: String, kkt: String, mopUp: String, wide: String) throws {
    let directory = try Scratch.directory()
    let x = try CheckCommandTests.write(CheckCommandTests.hierarchyData(), "X.npy", in: directory, as: type)
    let d = try CheckCommandTests.write(.identity(3), "D.npy", in: directory)
    let report = directory.appendingPathComponent("check.md").path, record = directory.appendingPathComponent("check.json").path
    let result = try LabExecutable.run(["check", "--data", x, "--dictionary", d, "--lambda", "0.05", "--report", report, "--json-out", record, "--quiet"])
    #expect(result.status == 0, "\(result.stderr)")
    let text = try String(contentsOfFile: report, encoding: .utf8)
    let rows = text.split(separator: "\n")
    func row(_ id: String) -> String { rows.first { $0.contains("`\(id)`") }.map(String.init) ?? "" }
    #expect(row("first-order/verdict").hasSuffix("| ≥ −\(epsilon) |"), "\(row("first-order/verdict"))")
    #expect(row("first-order/kkt").hasSuffix("| \(kkt) |"), "\(row("first-order/kkt"))")
    #expect(row("residuals/mop-up").hasSuffix("| \(mopUp) |"), "\(row("residuals/mop-up"))")
    #expect(row("residuals/wide-bound").hasSuffix("| \(wide) |"), "\(row("residuals/wide-bound"))")
    let inputs = try CheckCommandTests.json(record)["inputs"] as? [String: Any]
    #expect(inputs?["precision"] as? String == type.rawValue)
  }
}
