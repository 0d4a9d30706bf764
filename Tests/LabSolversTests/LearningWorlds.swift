import LabNumerics
import LabRandom
import LabTestSupport

/// Small sparse worlds X = Z·D (+ offset) for the learner tests, drawn from a seed.
enum LearningWorlds {
  /// `points` samples of a random unit `atoms × dimension` dictionary with codes active with
  /// probability 0.3 at magnitudes U(0.5, 1.5), plus `offset` in every coordinate.
  static func samples(points: Int, atoms: Int, dimension: Int, offset: Double = 0,
                      _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    let truth = RandomMatrices.unitDictionary(atoms: atoms, dimension: dimension, &rng)
    var codes = Matrix<Double>(rows: points, columns: atoms)
    for index in codes.storage.indices where rng.nextBernoulli(0.3) { codes.storage[index] = rng.nextUniform(in: 0.5...1.5) }
    var x = codes * truth
    for index in x.storage.indices { x.storage[index] += offset }
    return x
  }

  /// The largest deviation of an atom norm from 1.
  static func normError(_ dictionary: Matrix<Double>) -> Double {
    (0..<dictionary.rows).map { abs(dictionary.row($0).reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) }.max() ?? 0
  }
}
