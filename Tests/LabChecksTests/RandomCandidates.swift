import LabNumerics
import LabRandom
import LabSolvers

/// The "random candidates" of THEORY §10: D = normalise(ξ + 1.5·I_{m×K}) (columns in THEORY's
/// layout, rows here), z_kn = U[0.2, 1.5]·Bernoulli(p), bias b = 0.3ξ on even-numbered
/// instances and none on odd ones, X = b + Z·D exactly. The signed candidates of prediction 15
/// (S10b) draw z_kn = ξ·Bernoulli(p) and b = 0.2ξ instead.
enum RandomCandidates {
  static func make(instance: Int, dimension m: Int, atoms k: Int, points n: Int, firing p: Double,
                   _ rng: inout Xoshiro256StarStar) -> SparseCodingProblem {
    let d = dictionary(dimension: m, atoms: k, &rng)
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices {
      let magnitude = rng.nextUniform(in: 0.2...1.5)
      z.storage[index] = rng.nextBernoulli(p) ? magnitude : 0
    }
    let bias: [Double]? = instance % 2 == 0 ? (0..<m).map { _ in 0.3 * rng.nextNormal() } : nil
    let x = SparseCodingProblem.subtractingBias(bias.map { $0.map { -$0 } }, from: z * d)
    return SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: 1)
  }

  /// S10b: D as above, z_kn = ξ·Bernoulli(p), b = 0.2ξ on even-numbered instances; signed codes.
  static func signed(instance: Int, dimension m: Int, atoms k: Int, points n: Int, firing p: Double,
                     _ rng: inout Xoshiro256StarStar) -> SparseCodingProblem {
    let d = dictionary(dimension: m, atoms: k, &rng)
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices {
      let value = rng.nextNormal()
      z.storage[index] = rng.nextBernoulli(p) ? value : 0
    }
    let bias: [Double]? = instance % 2 == 0 ? (0..<m).map { _ in 0.2 * rng.nextNormal() } : nil
    let x = SparseCodingProblem.subtractingBias(bias.map { $0.map { -$0 } }, from: z * d)
    return SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: 1, constraint: .signed)
  }

  /// normalise(ξ + 1.5·I), as rows.
  static func dictionary(dimension m: Int, atoms k: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    var d = Matrix<Double>(rows: k, columns: m)
    for atom in 0..<k {
      var row = (0..<m).map { _ in rng.nextNormal() }
      if atom < m { row[atom] += 1.5 }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(atom, to: row.map { $0 / norm })
    }
    return d
  }

  static func cosine(_ problem: SparseCodingProblem, _ i: Int, _ j: Int) -> Double {
    zip(problem.dictionary.row(i), problem.dictionary.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
  }

  /// Z_i, or ‖z_i‖₁ for signed codes.
  static func mass(_ problem: SparseCodingProblem, _ i: Int) -> Double {
    problem.codes.column(i).reduce(0) { $0 + (problem.isSigned ? abs($1) : $1) }
  }
}
