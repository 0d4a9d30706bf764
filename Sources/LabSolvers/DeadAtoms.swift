import LabNumerics

/// Dead-atom handling by the new-atom test of THEORY §6.3 (Proposition 6.7).
///
/// An atom is dead when it is unused (every code z_nk = 0) and no residual would make it fire
/// (d_kᵀr_n < λ for every n): it satisfies the KKT conditions yet contributes nothing, and no
/// small move revives it. Adding a unit atom e with small codes s_n ≥ 0 changes the loss by
/// Σ_n s_n(λ − eᵀr_n) + O(s²), so a residual with ‖r_n‖ > λ certifies that e = r_n/‖r_n‖ lowers
/// the loss. A dead atom is therefore re-seeded at such a residual, the largest norms first.
public enum DeadAtoms {
  /// The atoms whose column of `codes` (`N × K`) is all zero.
  public static func unused(codes: Matrix<Double>) -> [Int] {
    let k = codes.columns
    var used = [Bool](repeating: false, count: k)
    for (index, value) in codes.storage.enumerated() where value != 0 { used[index % k] = true }
    return (0..<k).filter { !used[$0] }
  }

  /// Re-seeds the dead atoms among `candidates` (atoms known to be unused) on `residual`
  /// (`N × m`): each dead atom, in order, becomes r_n/‖r_n‖ for the next residual with the
  /// largest norm exceeding λ, one distinct point per atom (ties broken by the lower index).
  /// Atoms for which no such residual remains are left as they are.
  /// Returns the re-seeded atoms; their codes are still zero, so the loss is unchanged until the
  /// codes are re-solved, which then lowers it (Proposition 6.7).
  public static func reseed(_ candidates: [Int], dictionary: inout Matrix<Double>, residual: Matrix<Double>,
                            lambda: Double) -> [Int] {
    guard !candidates.isEmpty, residual.rows > 0 else { return [] }
    let m = residual.columns
    let dead = candidates.filter { atom in
      let correlations = residual.applied(to: dictionary.row(atom))
      return correlations.allSatisfy { $0 < lambda }
    }
    guard !dead.isEmpty else { return [] }
    let norms = (0..<residual.rows).map { n in
      var squared = 0.0
      for i in 0..<m { squared += residual.storage[n * m + i] * residual.storage[n * m + i] }
      return squared.squareRoot()
    }
    let points = (0..<residual.rows).filter { norms[$0] > lambda }
      .sorted { norms[$0] != norms[$1] ? norms[$0] > norms[$1] : $0 < $1 }
    var reseeded: [Int] = []
    for (atom, point) in zip(dead, points) {
      dictionary.setRow(atom, to: residual.row(point).map { $0 / norms[point] })
      reseeded.append(atom)
    }
    return reseeded
  }
}
