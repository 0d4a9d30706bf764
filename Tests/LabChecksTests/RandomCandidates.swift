import LabNumerics
import LabRandom
import LabSolvers

/// The "random candidates" of THEORY §10: D = normalise(ξ + 1.5·I_{m×K}) (columns in THEORY's
/// layout, rows here), z_kn = U[0.2, 1.5]·Bernoulli(p), bias b = 0.3ξ on even-numbered
/// instances and none on odd ones, X = b + Z·D exactly.
enum RandomCandidates {
  static func make(instance: Int, dimension m: Int, atoms k: Int, points n: Int, firing p: Double,
                   _ rng: inout Xoshiro256StarStar) -> SparseCodingProblem {
    var d = Matrix<Double>(rows: k, columns: m)
    for atom in 0..<k {
      var row = (0..<m).map { _ in rng.nextNormal() }
      if atom < m { row[atom] += 1.5 }
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(atom, to: row.map { $0 / norm })
    }
    var z = Matrix<Double>(rows: n, columns: k)
    for index in z.storage.indices {
      let magnitude = rng.nextUniform(in: 0.2...1.5)
      z.storage[index] = rng.nextBernoulli(p) ? magnitude : 0
    }
    let bias: [Double]? = instance % 2 == 0 ? (0..<m).map { _ in 0.3 * rng.nextNormal() } : nil
    let x = SparseCodingProblem.subtractingBias(bias.map { $0.map { -$0 } }, from: z * d)
    return SparseCodingProblem(samples: x, dictionary: d, bias: bias, codes: z, lambda: 1)
  }

  static func cosine(_ problem: SparseCodingProblem, _ i: Int, _ j: Int) -> Double {
    zip(problem.dictionary.row(i), problem.dictionary.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
  }

  static func mass(_ problem: SparseCodingProblem, _ i: Int) -> Double {
    problem.codes.column(i).reduce(0, +)
  }
}
