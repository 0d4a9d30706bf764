import LabNumerics
import LabRandom

/// Parent–child pairs with a tunable co-occurrence rate, as in Chanin et al.'s toy models of feature
/// absorption (ANCHORS §3.2), plus independent features; every feature is a distinct unit axis of
/// ℝ^m (mutually orthogonal), no bias and no noise.
///
/// Per sample and pair: the child fires with probability `childProbability`; when it fires the
/// parent fires with probability r (the co-occurrence rate P(parent | child)), otherwise with
/// probability `parentProbability`. At r = 1 the child fires only with its parent (a hierarchy,
/// THEORY §6.1). Independent features fire with `parentProbability`. Active magnitudes are uniform
/// on `magnitude` (constant when both ends agree). Feature order: parent 0, child 0, parent 1, …,
/// then the independent features.
public struct CooccurrenceWorld: Codable, Equatable, Sendable {
  /// Input dimension m (at least the number of features).
  public var inputDimension: Int
  /// Number of parent–child pairs.
  public var hierarchies: Int
  /// Number of independent features.
  public var independentFeatures: Int
  /// Probability that a parent fires without its child, and that an independent feature fires.
  public var parentProbability: Double
  /// Probability that a child fires.
  public var childProbability: Double
  /// Range of active magnitudes, `[lower, upper]`.
  public var magnitude: [Double]

  /// Creates the world description.
  public init(inputDimension: Int, hierarchies: Int, independentFeatures: Int, parentProbability: Double, childProbability: Double,
              magnitude: [Double]) {
    self.inputDimension = inputDimension
    self.hierarchies = hierarchies
    self.independentFeatures = independentFeatures
    self.parentProbability = parentProbability
    self.childProbability = childProbability
    self.magnitude = magnitude
  }

  /// The number of features K.
  public var featureCount: Int { 2 * hierarchies + independentFeatures }
  /// The parent features.
  public var parents: [Int] { (0..<hierarchies).map { 2 * $0 } }
  /// Feature names in dictionary order.
  public var featureNames: [String] {
    (0..<hierarchies).flatMap { ["parent-\($0)", "child-\($0)"] } + (0..<independentFeatures).map { "feature-\($0)" }
  }

  /// Problems with the parameters, each naming the field and the value; empty when valid.
  public func problems() -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if !(1...64).contains(hierarchies) { found.append(ParameterProblem("hierarchies", mustBe: "in 1...64", got: hierarchies)) }
    if !(0...64).contains(independentFeatures) { found.append(ParameterProblem("independentFeatures", mustBe: "in 0...64", got: independentFeatures)) }
    if inputDimension < featureCount || inputDimension > 1024 {
      found.append(ParameterProblem("inputDimension", mustBe: "in \(featureCount)...1024 (at least the \(featureCount) features)", got: inputDimension))
    }
    for (name, value) in [("parentProbability", parentProbability), ("childProbability", childProbability)]
    where !(value.isFinite && value > 0 && value < 1) {
      found.append(ParameterProblem(name, mustBe: "in (0, 1)", got: value))
    }
    if magnitude.count != 2 || !magnitude.allSatisfy({ $0.isFinite && $0 > 0 }) || magnitude[0] > magnitude[1] {
      found.append(ParameterProblem("magnitude", mustBe: "[lower, upper] with 0 < lower <= upper", got: magnitude))
    }
    return found
  }

  /// The true features: the first K unit axes of ℝ^m.
  public var dictionary: Matrix<Double> {
    Matrix((0..<featureCount).map { i in (0..<inputDimension).map { $0 == i ? 1.0 : 0 } })
  }

  /// P(child | parent) at co-occurrence rate r: p_c·r / (p_c·r + (1 − p_c)·p_p).
  public func childGivenParent(cooccurrence r: Double) -> Double {
    childProbability * r / (childProbability * r + (1 - childProbability) * parentProbability)
  }

  /// Draws `count` samples at co-occurrence rate `r` ∈ [0, 1].
  public func sample<G: RandomNumberGenerator>(count: Int, cooccurrence r: Double, using generator: inout G) -> SyntheticDataset {
    precondition(problems().isEmpty && count >= 1 && (0...1).contains(r), "Invalid co-occurrence world or rate \(r).")
    var codes = Matrix<Double>(rows: count, columns: featureCount)
    func draw() -> Double { magnitude[0] == magnitude[1] ? magnitude[0] : generator.nextUniform(in: magnitude[0]...magnitude[1]) }
    for t in 0..<count {
      for pair in 0..<hierarchies {
        let child = generator.nextBernoulli(childProbability)
        if generator.nextBernoulli(child ? r : parentProbability) { codes[t, 2 * pair] = draw() }
        if child { codes[t, 2 * pair + 1] = draw() }
      }
      for i in 0..<independentFeatures where generator.nextBernoulli(parentProbability) { codes[t, 2 * hierarchies + i] = draw() }
    }
    let dictionary = self.dictionary
    return SyntheticDataset(samples: codes * dictionary, dictionary: dictionary, codes: codes,
                            bias: Array(repeating: 0, count: inputDimension), featureNames: featureNames)
  }
}
