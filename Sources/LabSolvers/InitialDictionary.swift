import LabNumerics
import LabRandom

/// Starting dictionaries for the learners.
public enum InitialDictionary {
  /// `atoms` distinct data rows drawn uniformly without replacement (as SPAMS `trainDL` starts),
  /// scaled to unit norm; rows beyond N, and zero data rows, are replaced by unit Gaussian
  /// directions. The draw is a fixed function of the generator's stream.
  public static func fromSamples(_ samples: Matrix<Double>, atoms: Int,
                                 using generator: inout some RandomNumberGenerator) -> Matrix<Double> {
    precondition(atoms >= 1, "A dictionary needs at least one atom, got \(atoms).")
    let n = samples.rows, m = samples.columns
    var indices = Array(0..<n)
    var dictionary = Matrix<Double>(rows: atoms, columns: m)
    for k in 0..<atoms {
      var row: [Double] = []
      if k < n {
        let pick = k + generator.nextInt(below: n - k)  // partial Fisher–Yates shuffle
        indices.swapAt(k, pick)
        row = samples.row(indices[k])
      }
      var norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      while !(norm > 0) {
        row = (0..<m).map { _ in generator.nextNormal() }
        norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
      }
      dictionary.setRow(k, to: row.map { $0 / norm })
    }
    return dictionary
  }
}
