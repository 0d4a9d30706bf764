import Foundation
import LabChecks

/// A finding of a source write-up (`seeds/`) that an experiment redoes on a known world, decided
/// over independent seeds. Findings are results, not checks: one that does not reproduce does not
/// fail the run; the experiment's checks say whether the measurement itself is sound.
///
/// Each finding is reduced to one number per seed (its ``FindingMargin/quantity``) and a margin
/// stated before the run; the outcome follows from the seeds' mean, its standard error and that
/// margin (``FindingMargin/outcome(of:)``).
public struct SourceFinding: Codable, Sendable, Equatable {
  /// The finding, in the source's words where possible.
  public var claim: String
  /// What was measured here, in words (may quote per-seed details).
  public var measured: String
  /// When the finding counts as reproduced: the quantity and its margin, rendered from ``margin``.
  public var criterion: String
  /// How it came out over the seeds.
  public var outcome: FindingOutcome
  /// How many independent seeds were measured.
  public var seeds: Int
  /// The mean of the quantity over the seeds.
  public var estimate: Double
  /// The standard error of that mean (sample standard deviation / √seeds; 0 for one seed).
  public var standardError: Double
  /// The quantity of each seed, in seed order (for figures that show the spread).
  public var perSeed: [Double]
  /// The side of ``bound`` the claim puts the quantity on.
  public var side: FindingMargin.Side
  /// The margin's bound.
  public var bound: Double

  /// The finding `claim`, judged by `margin` on `values` (one per seed).
  public init(claim: String, measured: String, margin: FindingMargin, values: [Double]) {
    let estimate = SeedEstimate(values)
    self.claim = claim
    self.measured = measured
    self.criterion = margin.text
    self.outcome = margin.outcome(of: estimate)
    self.seeds = estimate.seeds
    self.estimate = estimate.mean
    self.standardError = estimate.standardError
    self.perSeed = values
    self.side = margin.side
    self.bound = margin.bound
  }

  /// The 95 % half-width of the estimate (infinite with fewer than two seeds).
  public var halfWidth: Double {
    seeds >= 2 ? SeedEstimate.studentT975(degreesOfFreedom: seeds - 1) * standardError : .infinity
  }

  /// Whether the finding reproduced.
  public var reproduced: Bool { outcome == .reproduced }

  /// "0.41 ± 0.02 (5 seeds)".
  public var estimateText: String {
    "\(Figures.format(estimate, digits: 3)) ± \(Figures.format(standardError, digits: 2)) (\(seeds) seed\(seeds == 1 ? "" : "s"))"
  }
}

/// One seed's measurement of a finding: the claim, its margin (the same on every seed), the seed's
/// value of the margin's quantity and a short text of what was measured on that seed.
public struct FindingMeasurement: Sendable, Equatable {
  /// The finding, in the source's words where possible.
  public var claim: String
  /// What the claim needs, stated before the run.
  public var margin: FindingMargin
  /// The seed's value of ``FindingMargin/quantity``.
  public var value: Double
  /// What was measured on this seed, in words.
  public var detail: String

  /// The measurement of `claim` on one seed.
  public init(claim: String, margin: FindingMargin, value: Double, detail: String) {
    self.claim = claim
    self.margin = margin
    self.value = value
    self.detail = detail
  }
}

extension SourceFinding {
  /// The findings decided over seeds: `perSeed[s][i]` is finding `i` measured on seed `s`. Every
  /// seed measures the same claims in the same order (a seed without finding `i`, or with another
  /// claim there, contributes NaN, which makes the finding inconclusive); the measured text is
  /// seed 0's detail with every seed's value.
  public static func decide(_ perSeed: [[FindingMeasurement]]) -> [SourceFinding] {
    guard let first = perSeed.first else { return [] }
    return first.enumerated().map { index, finding in
      let values = perSeed.map { seed in
        seed[ifPresent: index].flatMap { $0.claim == finding.claim && $0.margin == finding.margin ? $0.value : nil } ?? .nan
      }
      let listed = values.map { Figures.format($0, digits: 3) }.joined(separator: ", ")
      return SourceFinding(claim: finding.claim, measured: "seed 0: \(finding.detail); per seed: \(listed)",
                           margin: finding.margin, values: values)
    }
  }
}

/// How a finding of a source study came out over seeds.
public enum FindingOutcome: String, Codable, Sendable, CaseIterable {
  /// The whole confidence interval lies on the claim's side of the margin.
  case reproduced
  /// The whole confidence interval lies on the other side.
  case refuted
  /// The interval straddles the margin: the seeds do not decide the claim.
  case inconclusive
}

/// The mean of a quantity over independent seeds and the standard error of that mean.
public struct SeedEstimate: Sendable, Equatable {
  /// How many seeds.
  public let seeds: Int
  /// Their mean (NaN when there are none or one is not finite).
  public let mean: Double
  /// Sample standard deviation over √seeds (0 for one seed; NaN when there are none).
  public let standardError: Double

  /// The estimate of `values`, one per seed.
  public init(_ values: [Double]) {
    seeds = values.count
    guard !values.isEmpty else { mean = .nan; standardError = .nan; return }
    let mean = values.reduce(0, +) / Double(values.count)
    self.mean = mean
    guard values.count > 1 else { standardError = 0; return }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    standardError = (variance / Double(values.count)).squareRoot()
  }

  /// The two-sided 95 % confidence half-width: Student's t quantile for `seeds − 1` degrees of
  /// freedom times the standard error (infinite for fewer than two seeds, so one seed decides nothing).
  public var halfWidth: Double {
    guard seeds >= 2 else { return .infinity }
    return SeedEstimate.studentT975(degreesOfFreedom: seeds - 1) * standardError
  }

  /// The 0.975 quantile of Student's t distribution (two-sided 95 %), tabulated for 1…30 degrees
  /// of freedom and the normal quantile beyond.
  static func studentT975(degreesOfFreedom df: Int) -> Double {
    let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                           2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                           2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
    return df <= table.count ? table[df - 1] : 1.960
  }
}

/// What a finding's claim needs, stated before the run: the quantity measured on each seed and the
/// side of a bound the claim puts it on. Decided at 95 %: reproduced when the whole interval
/// mean ± t·s.e. is on the claim's side, refuted when it is wholly on the other, else inconclusive.
public struct FindingMargin: Sendable, Equatable {
  /// The side of the bound the claim puts the quantity on.
  public enum Side: String, Codable, Sendable {
    /// The claim says the quantity exceeds the bound.
    case above = ">"
    /// The claim says the quantity is below the bound.
    case below = "<"
  }

  /// The per-seed quantity, in words ("MMCS minus the random-decoder baseline").
  public let quantity: String
  /// The claim's side.
  public let side: Side
  /// The bound.
  public let bound: Double

  /// The claim "`quantity` `side` `bound`".
  public init(_ quantity: String, _ side: Side, _ bound: Double) {
    self.quantity = quantity
    self.side = side
    self.bound = bound
  }

  /// The finding's outcome for `estimate` (inconclusive when it is not finite or has fewer than two seeds).
  public func outcome(of estimate: SeedEstimate) -> FindingOutcome {
    let half = estimate.halfWidth
    guard estimate.mean.isFinite, half.isFinite else { return .inconclusive }
    let low = estimate.mean - half, high = estimate.mean + half
    switch side {
    case .above: return low > bound ? .reproduced : high <= bound ? .refuted : .inconclusive
    case .below: return high < bound ? .reproduced : low >= bound ? .refuted : .inconclusive
    }
  }

  /// "mean of <quantity> over seeds > 0, with its 95 % interval".
  public var text: String {
    "\(quantity) \(side.rawValue) \(Threshold.number(bound)) (95 % interval of the mean over seeds)"
  }
}

/// How the findings of a run record came out, counted by outcome.
public struct FindingCounts: Codable, Sendable, Equatable {
  /// Findings that reproduced.
  public var reproduced: Int
  /// Findings that did not.
  public var refuted: Int
  /// Findings the seeds could not decide.
  public var inconclusive: Int

  /// The counts of `findings`.
  public init(_ findings: [SourceFinding]) {
    reproduced = findings.filter { $0.outcome == .reproduced }.count
    refuted = findings.filter { $0.outcome == .refuted }.count
    inconclusive = findings.filter { $0.outcome == .inconclusive }.count
  }

  /// "2 reproduced, 4 refuted, 0 inconclusive".
  public var text: String { "\(reproduced) reproduced, \(refuted) refuted, \(inconclusive) inconclusive" }
}

extension ReportSections {
  /// The counts by outcome and the findings table (outcome, claim, estimate ± s.e., margin, details).
  static func findings(_ findings: [SourceFinding], id: String) -> String {
    var table = MarkdownTable("#", "outcome", "finding of the source", "estimate ± s.e. (seeds)", "criterion", "measured here")
    for (index, finding) in findings.enumerated() {
      table.add(String(index + 1), finding.outcome.rawValue, finding.claim, finding.estimateText, finding.criterion, finding.measured)
    }
    let seeds = Set(findings.map(\.seeds)).sorted().map(String.init).joined(separator: "/")
    return "## Findings of the source study\n\n**\(FindingCounts(findings).text) over \(seeds) seeds.** "
      + "Each finding is one number per seed, decided by its 95 % interval (mean ± Student t × standard error) against a margin stated in the code before the run: "
      + "reproduced when the interval lies on the claim's side, refuted when it lies on the other, inconclusive when it straddles the margin. "
      + "The verdict above only says whether the measurement is sound; a finding that does not reproduce on this world is a result, not a failure. "
      + "The results below show seed 0 in detail.\n\n"
      + table.text + "\n![Every finding on every seed (faint dots), its mean and 95 % interval, scaled so that the margin is 0 and the claim's side is up](\(FindingsFigure.name(id: id)))\n\n"
  }

  /// The headline of a report with findings: the soundness checks and the findings' outcomes, apart.
  static func headline(checks: [CheckResult], findings: [SourceFinding]) -> String {
    let passed = checks.filter { $0.status == .pass }.count
    return "**Soundness checks: \(passed == checks.count ? "✓" : "✗") \(passed) of \(checks.count) pass. "
      + "Findings of the source: \(FindingCounts(findings).text).**\n\n"
  }
}
