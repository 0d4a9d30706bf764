import LabNumerics
import LabRandom

/// Random test instances drawn from a seed (so a failing case can be replayed from its seed).
enum RandomProblems {
  /// `rows × columns` i.i.d. standard normal entries.
  static func gaussian(_ rows: Int, _ columns: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.nextNormal() })
  }

  /// A `K × m` dictionary with unit-norm Gaussian rows.
  static func dictionary(atoms: Int, dimension: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
    var d = gaussian(atoms, dimension, &rng)
    for k in 0..<atoms {
      let row = d.row(k)
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(k, to: row.map { $0 / norm })
    }
    return d
  }
}
