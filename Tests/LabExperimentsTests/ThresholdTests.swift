import Foundation
import LabChecks
@testable import LabExperiments
import LabRandom
import PropertyBased
import Testing

/// A check's threshold text is rendered from the number its verdict uses, so the two agree.
@Suite struct ThresholdTests {
  /// Reads a rendered bound back as a number: "10⁻⁷", "−10⁻⁵", "1 − 10⁻⁶", "1 %", "0.01".
  static func parse(_ text: String) -> Double? {
    let superscripts: [Character: Character] = ["⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-"]
    if text.hasPrefix("1 − ") { return parse(String(text.dropFirst(4))).map { 1 - $0 } }
    if text.hasSuffix(" %") { return Double(text.dropLast(2)).map { $0 / 100 } }
    if text.hasPrefix("−") { return parse(String(text.dropFirst())).map { -$0 } }
    if text.hasPrefix("10"), text.count > 2, superscripts[text[text.index(text.startIndex, offsetBy: 2)]] != nil {
      return Double("1e" + String(text.dropFirst(2).map { superscripts[$0]! }))
    }
    return Double(text)
  }

  @Test("a power of ten 10⁻ᵏ (k ≥ 3) renders as 10⁻ᵏ and reads back to the same number, with either sign")
  func powersOfTen() {
    for k in 3...30 {
      let value = Double("1e-\(k)")!
      let text = Threshold.number(value)
      #expect(text == "10⁻" + String(String(k).map { Array("⁰¹²³⁴⁵⁶⁷⁸⁹")[Int(String($0))!] }))
      #expect(Self.parse(text) == value)
      #expect(Self.parse(Threshold.number(-value)) == -value)
    }
    #expect(Threshold.number(1e-7) == "10⁻⁷" && Threshold.number(-1e-5) == "−10⁻⁵" && Threshold.number(0.01) == "0.01")
  }

  @Test("every rendered threshold reads back to the number its verdict compares with, and the verdict is the comparison")
  func renderedBoundIsTheComparedBound() async {
    await propertyCheck(count: 300, input: Gen.uint64()) { seed in
      var g = SeedTree(root: seed).generator(for: "threshold")
      let magnitude = g.nextInt(below: 2) == 0 ? Double("1e-\(3 + g.nextInt(below: 12))")! : Double(1 + g.nextInt(below: 99)) / 100
      let kinds: [Threshold] = [.below(magnitude), .atMost(magnitude), .above(-magnitude), .atLeast(-magnitude),
                                .atLeast(oneMinus: magnitude), .above(oneMinus: magnitude), .atMost(percent: magnitude)]
      let threshold = kinds[g.nextInt(below: kinds.count)]
      let text = threshold.text()
      #expect(text.hasPrefix(threshold.comparison.rawValue + " "))
      let bound = Self.parse(String(text.dropFirst(2)))
      #expect(bound != nil && abs(bound! - threshold.value) <= 1e-15 * max(1, abs(threshold.value)), "\(text) vs \(threshold.value)")
      let measured = threshold.value + (g.nextUniform() - 0.5) * 4 * magnitude
      let expected: Bool
      switch threshold.comparison {
      case .below: expected = measured < threshold.value
      case .atMost: expected = measured <= threshold.value
      case .above: expected = measured > threshold.value
      case .atLeast: expected = measured >= threshold.value
      }
      #expect(threshold.admits(measured) == expected)
      #expect(threshold.admits(threshold.value) == (threshold.comparison == .atMost || threshold.comparison == .atLeast))
      #expect(!threshold.admits(.nan))
      let scale = 1 + g.nextUniform() * 100
      #expect(threshold.admits(measured * scale, scale: scale) == Threshold(threshold.comparison, threshold.value * scale).admits(measured * scale))
      #expect(threshold.text(scale: "Σz") == text + "·Σz")
    }
  }

  @Test("a check passes when every condition holds, fails when one does not or when it has none, and is inconclusive when not conclusive")
  func verdict() {
    let holds = Condition.that("x", 0, .atMost(1e-9)), fails = Condition.that("y", 1, .atMost(1e-9))
    #expect(Check("a", claim: "", measured: "", [holds, holds]).status == .pass)
    #expect(Check("a", claim: "", measured: "", [holds, fails]).status == .fail)
    #expect(Check("a", claim: "", measured: "", []).status == .fail)
    #expect(Check("a", claim: "", measured: "", [holds], conclusive: false).status == .inconclusive)
    #expect(Check("a", claim: "", measured: "", [holds, fails]).result.threshold == "x ≤ 10⁻⁹; y ≤ 10⁻⁹")
    #expect(Condition.each(nil, [], .atMost(1)).holds == false && Condition.each(nil, [], .atMost(1), vacuous: true).holds)
    #expect(Condition.relative(1 + 1e-8, 1, .atMost(1e-7)).text == "relative ≤ 10⁻⁷" && Condition.relative(1 + 1e-8, 1, .atMost(1e-7)).holds)
    #expect(!Condition.relative(1 + 1e-6, 1, .atMost(1e-7)).holds)
  }
}
