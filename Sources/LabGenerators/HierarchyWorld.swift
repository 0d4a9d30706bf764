import Foundation
import LabNumerics
import LabRandom

/// The smallest hierarchical world of THEORY §10 prediction 16: a parent ("dog"), a child
/// ("labrador") that fires only together with the parent, and an unrelated feature ("cat").
///
/// Points come in four exact groups: nothing active (`⌊nothing·N⌋`), parent only
/// (`⌊parentOnly·N⌋`), parent and child (`⌊parentAndChild·N⌋`), and the unrelated feature alone
/// (the rest). Active magnitudes are uniform on `magnitude`. Directions: parent `e₁`, child
/// `(cos α, sin α, 0)`, unrelated `e₃`, so `m = 3`. The data are exactly `codes · dictionary`
/// (no bias, no noise), as in the reference checks H1, H4 and H5.
public struct HierarchyWorld: Codable, Equatable, Sendable {
  /// How the child's magnitude relates to the parent's on the points where both fire.
  public enum ChildMagnitude: String, Codable, Sendable, CaseIterable {
    /// Drawn independently from `magnitude` (varying child/parent ratio; check H5).
    case independent
    /// Equal to the parent's magnitude (fixed ratio ρ = 1; check H4).
    case equalToParent = "equal-to-parent"
  }

  /// Number of samples N.
  public var sampleCount: Int
  /// Fraction of points with nothing active.
  public var nothingFraction: Double
  /// Fraction of points where only the parent fires.
  public var parentOnlyFraction: Double
  /// Fraction of points where parent and child fire.
  public var parentAndChildFraction: Double
  /// Range of active magnitudes, `[lower, upper]`.
  public var magnitude: [Double]
  /// Angle α between parent and child directions, in degrees.
  public var childAngleDegrees: Double
  /// How the child's magnitude is drawn.
  public var childMagnitude: ChildMagnitude

  /// Feature names in dictionary order.
  public static let featureNames = ["dog", "labrador", "cat"]

  /// Creates the world description.
  public init(sampleCount: Int = 200, nothingFraction: Double = 0.40, parentOnlyFraction: Double = 0.25,
              parentAndChildFraction: Double = 0.15, magnitude: [Double] = [0.5, 1.5],
              childAngleDegrees: Double = 90, childMagnitude: ChildMagnitude = .independent) {
    self.sampleCount = sampleCount
    self.nothingFraction = nothingFraction
    self.parentOnlyFraction = parentOnlyFraction
    self.parentAndChildFraction = parentAndChildFraction
    self.magnitude = magnitude
    self.childAngleDegrees = childAngleDegrees
    self.childMagnitude = childMagnitude
  }

  /// Problems with the parameters, each naming the field and the value; empty when valid.
  public func problems() -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    if sampleCount < 4 || sampleCount > 1_000_000 { found.append(ParameterProblem("sampleCount", mustBe: "in 4...1000000", got: sampleCount)) }
    for (name, value) in [("nothingFraction", nothingFraction), ("parentOnlyFraction", parentOnlyFraction),
                          ("parentAndChildFraction", parentAndChildFraction)]
    where !(value.isFinite && value >= 0 && value <= 1) {
      found.append(ParameterProblem(name, mustBe: "in [0, 1]", got: value))
    }
    let used = nothingFraction + parentOnlyFraction + parentAndChildFraction
    if used.isFinite && used > 1 { found.append(ParameterProblem("nothingFraction + parentOnlyFraction + parentAndChildFraction", mustBe: "at most 1", got: used)) }
    if magnitude.count != 2 || !magnitude.allSatisfy({ $0.isFinite && $0 > 0 }) || magnitude[0] > magnitude[1] {
      found.append(ParameterProblem("magnitude", mustBe: "[lower, upper] with 0 < lower <= upper", got: magnitude))
    }
    if !(childAngleDegrees.isFinite && childAngleDegrees > 0 && childAngleDegrees < 180) {
      found.append(ParameterProblem("childAngleDegrees", mustBe: "in (0, 180)", got: childAngleDegrees))
    }
    return found
  }

  /// The ground-truth directions: rows dog, labrador, cat.
  public var dictionary: Matrix<Double> {
    let alpha = childAngleDegrees * Double.pi / 180
    return Matrix([[1, 0, 0], [cos(alpha), sin(alpha), 0], [0, 0, 1]])
  }

  /// Draws the dataset; the group sizes are exact, only the magnitudes are random.
  public func sample<G: RandomNumberGenerator>(using generator: inout G) -> SyntheticDataset {
    precondition(problems().isEmpty, "Invalid hierarchy world: \(problems().text)")
    let n = sampleCount
    let nothing = Int((nothingFraction * Double(n)).rounded(.down))
    let parentOnly = Int((parentOnlyFraction * Double(n)).rounded(.down))
    let both = Int((parentAndChildFraction * Double(n)).rounded(.down))
    let range = magnitude[0]...magnitude[1]
    var codes = Matrix<Double>(rows: n, columns: 3)
    for point in 0..<n {
      if point < nothing { continue }
      if point < nothing + parentOnly {
        codes[point, 0] = generator.nextUniform(in: range)
      } else if point < nothing + parentOnly + both {
        let parent = generator.nextUniform(in: range)
        codes[point, 0] = parent
        codes[point, 1] = childMagnitude == .independent ? generator.nextUniform(in: range) : parent
      } else {
        codes[point, 2] = generator.nextUniform(in: range)
      }
    }
    let dictionary = self.dictionary
    return SyntheticDataset(samples: codes * dictionary, dictionary: dictionary, codes: codes,
                            bias: [0, 0, 0], featureNames: Self.featureNames)
  }
}
