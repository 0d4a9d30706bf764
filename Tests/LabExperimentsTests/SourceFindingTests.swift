import Foundation
import LabChecks
@testable import LabExperiments
import PropertyBased
import Testing

/// Findings decided over seeds (issue 17 item 2): the outcome follows the 95 % interval of the
/// mean against the margin, checked against a direct computation; a record written before
/// findings were decided over seeds fails naming the missing field; checks join over seeds.
@Suite struct SourceFindingTests {
  /// Student's t 0.975 quantiles for 4…9 degrees of freedom (the seed counts the lab uses), from a table.
  static let quantiles: [Int: Double] = [4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262]

  @Test("the outcome is reproduced / refuted / inconclusive exactly as mean ± t·s.e. lies above, below or across the bound")
  func outcomeFollowsTheInterval() async {
    await propertyCheck(count: 300, input: Gen.double(in: -1...1).array(of: 5...10), Gen.double(in: -0.5...0.5), Gen.bool()) { values, bound, above in
      let n = Double(values.count), mean = values.reduce(0, +) / n
      let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
      let half = Self.quantiles[values.count - 1]! * sd / n.squareRoot()
      let finding = SourceFinding(claim: "c", measured: "m", margin: FindingMargin("q", above ? .above : .below, bound), values: values)
      let expected: FindingOutcome = above
        ? (mean - half > bound ? .reproduced : mean + half <= bound ? .refuted : .inconclusive)
        : (mean + half < bound ? .reproduced : mean - half >= bound ? .refuted : .inconclusive)
      #expect(finding.outcome == expected, "\(values) \(bound) \(above)")
      #expect(finding.seeds == values.count && abs(finding.estimate - mean) <= 1e-12 && abs(finding.standardError - sd / n.squareRoot()) <= 1e-12)
      #expect(finding.perSeed == values)
    }
  }

  @Test("one seed, or a non-finite value on any seed, decides nothing")
  func undecidable() {
    let margin = FindingMargin("q", .above, 0)
    #expect(SourceFinding(claim: "c", measured: "m", margin: margin, values: [5]).outcome == .inconclusive)
    #expect(SourceFinding(claim: "c", measured: "m", margin: margin, values: [5, 6, .nan, 5, 6]).outcome == .inconclusive)
    #expect(SourceFinding(claim: "c", measured: "m", margin: margin, values: [5, 6, 5, 6, 5]).outcome == .reproduced)
  }

  @Test("decide joins each finding over seeds; a seed that measured another claim there contributes NaN")
  func decideOverSeeds() {
    let margin = FindingMargin("q", .below, 1)
    func seed(_ value: Double, claim: String = "a") -> [FindingMeasurement] {
      [FindingMeasurement(claim: claim, margin: margin, value: value, detail: "d\(value)")]
    }
    let decided = SourceFinding.decide([seed(0.1), seed(0.2), seed(0.1), seed(0.3), seed(0.2)])
    #expect(decided.count == 1 && decided[0].outcome == .reproduced && decided[0].seeds == 5)
    #expect(decided[0].measured.hasPrefix("seed 0: d0.1"))
    let mixed = SourceFinding.decide([seed(0.1), seed(0.2), seed(0.1, claim: "b"), seed(0.3), seed(0.2)])
    #expect(mixed[0].outcome == .inconclusive && mixed[0].perSeed[2].isNaN)
  }

  @Test("a record whose findings predate seeds (a 'reproduced' flag, no 'outcome') fails naming the field")
  func legacyFindingIsNamed() throws {
    let legacy = #"{"checks": [], "findings": [{"claim": "c", "measured": "m", "criterion": "k", "reproduced": true}]}"#
    do {
      _ = try RunRecords.decode(RunRecords.Summary.self, from: Data(legacy.utf8), path: "old.json")
      Issue.record("a finding without an outcome was accepted")
    } catch {
      #expect("\(error)".contains("old.json") && "\(error)".contains("outcome"), "\(error)")
    }
  }

  @Test("checks join over seeds: pass only when every seed passes, else the first failing seed's status, naming the seeds")
  func checksJoin() {
    func check(_ status: CheckStatus, _ measured: String) -> [CheckResult] {
      [CheckResult(id: "x", claim: "c", measured: measured, threshold: "t", status: status)]
    }
    let pass = Replicates.joinChecks([check(.pass, "a"), check(.pass, "b"), check(.pass, "c")])
    #expect(pass[0].status == .pass && pass[0].measured.contains("all 3 seeds"))
    let fail = Replicates.joinChecks([check(.pass, "a"), check(.inconclusive, "b"), check(.fail, "c")])
    #expect(fail[0].status == .inconclusive && fail[0].measured.contains("seeds 1, 2 of 3") && fail[0].measured.contains("seed 1: b"))
  }

  @Test("the seeds of a replicated run: seed 0 is the root, the others are distinct sub-seeds; fewer than five are rejected")
  func replicateSeeds() {
    #expect(Replicates.seed(root: 7, index: 0) == 7)
    #expect(Set((0..<20).map { Replicates.seed(root: 7, index: $0) }).count == 20)
    #expect(Replicates.problem(4) != nil && Replicates.problem(5) == nil && Replicates.problem(51) != nil)
  }
}
