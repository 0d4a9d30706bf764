import LabNumerics
import LabRandom

/// Random matrices drawn from a seeded generator, so that a failing case replays from its seed.
public enum RandomMatrices {
  /// `rows × columns` i.i.d. standard normal entries.
  public static func gaussian(_ rows: Int, _ columns: Int, _ generator: inout Xoshiro256StarStar) -> Matrix<Double> {
    Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in generator.nextNormal() })
  }

  /// A `atoms × dimension` dictionary whose rows are Gaussian directions of unit norm.
  public static func unitDictionary(atoms: Int, dimension: Int, _ generator: inout Xoshiro256StarStar) -> Matrix<Double> {
    var d = gaussian(atoms, dimension, &generator)
    for k in 0..<atoms {
      let row = d.row(k)
      let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      d.setRow(k, to: row.map { $0 / norm })
    }
    return d
  }
}
