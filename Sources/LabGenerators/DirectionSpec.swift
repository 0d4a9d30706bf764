import Foundation
import LabNumerics
import LabRandom

/// How the ground-truth directions (dictionary rows, unit norm) are chosen.
///
/// - `random`: independent uniform directions (normalised Gaussian vectors).
/// - `orthogonal`: exactly orthonormal rows (Gram–Schmidt on Gaussian vectors); needs F ≤ m.
/// - `equiangular`: every pair at `angleDegrees` (Gram matrix `(1 − c)I + c·11ᵀ`, `c = cos θ`,
///   factored by Cholesky and placed in a random orthonormal F-frame); needs F ≤ m and
///   `c > −1/(F − 1)`.
/// - `parent-child`: each child at exactly `angleDegrees` from its parent,
///   `d_child = cos α·d_parent + sin α·e_child`, with the `e` orthonormal; roots and free features
///   are `e`; needs F ≤ m.
/// - `orthogonalised`: SAELens's orthogonalisation — `random` rows improved by Adam (β = 0.9,
///   0.999, ε = 1e−8) on `Σ_{i≠j}(dᵢ·dⱼ)² + F·Σᵢ(dᵢ·dᵢ − 1)²` for `steps` steps with
///   `learningRate`, then re-normalised.
public struct DirectionSpec: Codable, Equatable, Sendable {
  /// The kind.
  public var kind: String
  /// `equiangular`, `parent-child`: the angle in degrees.
  public var angleDegrees: Double?
  /// `orthogonalised`: Adam steps (SAELens default 200).
  public var steps: Int?
  /// `orthogonalised`: Adam learning rate (SAELens default 0.01).
  public var learningRate: Double?

  /// The kinds.
  public static let kinds = ["random", "orthogonal", "equiangular", "parent-child", "orthogonalised"]

  /// A specification.
  public init(kind: String, angleDegrees: Double? = nil, steps: Int? = nil, learningRate: Double? = nil) {
    self.kind = kind
    self.angleDegrees = angleDegrees
    self.steps = steps
    self.learningRate = learningRate
  }

  /// Problems for F features in m dimensions, named under `field`.
  func problems(featureCount: Int, inputDimension: Int, field: String) -> [ParameterProblem] {
    guard Self.kinds.contains(kind) else {
      return [ParameterProblem("\(field).kind", "is unknown: '\(kind)'. Did you mean '\(Nearest.name(to: kind, in: Self.kinds))'? Known: \(Self.kinds.joined(separator: ", "))")]
    }
    var found: [ParameterProblem] = []
    if ["orthogonal", "equiangular", "parent-child"].contains(kind) && featureCount > inputDimension {
      found.append(ParameterProblem("\(field).kind", "\(kind) needs featureCount <= inputDimension, got \(featureCount) > \(inputDimension)"))
    }
    if kind == "equiangular" || kind == "parent-child" {
      guard let a = angleDegrees, a > 0, a < 180 else {
        return found + [ParameterProblem("\(field).angleDegrees", mustBe: "in (0, 180)", got: angleDegrees)]
      }
      let c = Foundation.cos(a * .pi / 180)
      if kind == "equiangular" && featureCount > 1 && !(c > -1 / Double(featureCount - 1)) {
        found.append(ParameterProblem("\(field).angleDegrees", "\(a) gives cos = \(c), not above -1/(F-1) = \(-1 / Double(featureCount - 1)), so no such directions exist"))
      }
    }
    if kind == "orthogonalised" {
      // The loss needs the F×F Gram matrix (SAELens works in chunks of 1024 rows on a GPU).
      if featureCount > 4096 { found.append(ParameterProblem("\(field).kind", "orthogonalised supports featureCount <= 4096 (an F×F Gram matrix per step), got \(featureCount)")) }
      if !(0...100_000).contains(steps ?? 200) { found.append(ParameterProblem("\(field).steps", mustBe: "in 0...100000", got: steps ?? 0)) }
      if !((learningRate ?? 0.01) > 0) { found.append(ParameterProblem("\(field).learningRate", mustBe: "> 0", got: learningRate ?? 0)) }
    }
    return found
  }

  /// The F×m dictionary; `parents` are used by `parent-child`.
  func dictionary(featureCount: Int, inputDimension: Int, parents: [Int?], seeds: SeedTree, path: String) throws -> Matrix<Double> {
    var g = seeds.generator(for: "\(path)/\(kind)")
    switch kind {
    case "orthogonal":
      return Self.orthonormalRows(featureCount, inputDimension, using: &g)
    case "equiangular":
      let c = Foundation.cos((angleDegrees ?? 90) * .pi / 180)
      var gram = Matrix<Double>(rows: featureCount, columns: featureCount, repeating: c)
      for i in 0..<featureCount { gram[i, i] = 1 }
      return try gram.cholesky() * Self.orthonormalRows(featureCount, inputDimension, using: &g)
    case "parent-child":
      let alpha = (angleDegrees ?? 90) * .pi / 180
      let e = Self.orthonormalRows(featureCount, inputDimension, using: &g)
      var d = e
      let forest = FeatureForest(parents: parents, exclusiveParents: [])
      for i in (0..<featureCount).sorted(by: { forest.depths[$0] < forest.depths[$1] }) {
        guard let p = parents[i] else { continue }
        d.setRow(i, to: zip(d.row(p), e.row(i)).map { Foundation.cos(alpha) * $0 + Foundation.sin(alpha) * $1 })
      }
      return d
    case "orthogonalised":
      return Orthogonalisation.run(Self.randomRows(featureCount, inputDimension, using: &g), steps: steps ?? 200,
                                   learningRate: learningRate ?? 0.01)
    default:
      return Self.randomRows(featureCount, inputDimension, using: &g)
    }
  }

  /// Independent uniform unit rows.
  static func randomRows<G: RandomNumberGenerator>(_ rows: Int, _ columns: Int, using g: inout G) -> Matrix<Double> {
    var m = Matrix<Double>(rows: rows, columns: columns)
    for i in 0..<rows {
      var v = (0..<columns).map { _ in g.nextNormal() }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      v = v.map { $0 / norm }
      m.setRow(i, to: v)
    }
    return m
  }

  /// Orthonormal rows by modified Gram–Schmidt (twice, for orthogonality to rounding) on Gaussian rows.
  static func orthonormalRows<G: RandomNumberGenerator>(_ rows: Int, _ columns: Int, using g: inout G) -> Matrix<Double> {
    var m = randomRows(rows, columns, using: &g)
    for i in 0..<rows {
      var v = m.row(i)
      for _ in 0..<2 {
        for j in 0..<i {
          let u = m.row(j)
          let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
          for k in 0..<columns { v[k] -= dot * u[k] }
        }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      m.setRow(i, to: v.map { $0 / norm })
    }
    return m
  }
}
