import Foundation
import LabNumerics

/// Moves that leave a poor stationary point of P⁺_λ by re-using a wasted atom, each kept only if it
/// lowers the loss measured on a probe set of points (THEORY §6.3).
///
/// A wasted atom is one the probe's exact codes never use, or the less used of two atoms whose
/// cosine is at least ``duplicateCosine``. Such an atom is moved to the new atom of the new-atom
/// test (Proposition 6.7): starting at r_n/‖r_n‖ for the longest residual not yet tried (none is
/// tried once every residual is at most λ — then no new atom can lower the loss), refined by
/// ``powerIterations`` steps of the thresholded power iteration e ← Σ_n (eᵀr_n − λ)₊ r_n / ‖·‖,
/// whose fixed points are the stationary single atoms on the residuals (Proposition 6.6).
///
/// The move is then measured: the codes of the points that used the old atom or would fire on the
/// new one (eᵀr_n > λ) are solved again exactly; every other point keeps exact codes, since its
/// KKT conditions do not involve either atom. The move is accepted only if the loss over those
/// points falls, so the probe's loss falls by exactly the reported decrease.
///
/// Without a bias, pair moves follow: where the pair condition (PC_{i→j}) of THEORY Theorem 4.2(b)
/// fails on the probe — atom i fires only where atom j fires (A_i ⊆ A_j, c_ij < 1) — donor i is
/// rotated toward j by the exact pair move of Lemma 4.1 (β = 0) at the largest feasible angle,
/// tan θ = ρ sin φ/(1 + ρ cos φ) with ρ = min_{A_i} z_j/z_i and cos φ = c_ij, which keeps every
/// reconstruction and lowers λ‖Z‖₁; it is measured and kept in the same way.
public enum EscapeMoves {
  /// What one call did.
  public struct Outcome: Sendable, Equatable {
    /// Moves measured.
    public var proposed = 0
    /// Moves kept (each with a measured decrease).
    public var accepted = 0
    /// The probe's loss before minus after, the sum of the accepted moves' measured decreases.
    public var decrease = 0.0
    /// The atoms moved, in order.
    public var movedAtoms: [Int] = []
    /// The accepted moves that were pair moves.
    public var pairMoves = 0

    /// Nothing done.
    public init() {}
  }

  /// Cosine at or above which two atoms count as duplicates.
  public static let duplicateCosine = 0.95

  /// Thresholded power-iteration steps that refine a new atom.
  public static let powerIterations = 10

  /// The wasted atoms of `dictionary` for the probe codes `codes` (see the type's documentation):
  /// the unused ones in index order, then for each duplicate pair the one with the smaller code mass.
  public static func wastedAtoms(dictionary: Matrix<Double>, codes: Matrix<Double>) -> [Int] {
    let k = dictionary.rows
    var mass = [Double](repeating: 0, count: k)
    for (index, value) in codes.storage.enumerated() { mass[index % k] += value }
    var wasted = (0..<k).filter { mass[$0] == 0 }
    let gram = dictionary.rowGram()
    for i in 0..<k where mass[i] > 0 {
      for j in (i + 1)..<k where mass[j] > 0 && gram[i, j] >= duplicateCosine {
        let lesser = mass[j] < mass[i] ? j : i
        if !wasted.contains(lesser) { wasted.append(lesser) }
      }
    }
    return wasted
  }

  /// Tries one move for each wasted atom of `dictionary` on the points `probe` (`P × m`, after
  /// subtracting `bias`), keeping those with a measured decrease; `threads` workers solve the codes.
  public static func apply(dictionary: inout Matrix<Double>, bias: [Double]?, probe: Matrix<Double>, lambda: Double,
                           threads: Int = 1) -> Outcome {
    var outcome = Outcome()
    let centred = SparseCodingProblem.subtractingBias(bias, from: probe)
    let p = centred.rows
    guard p > 0 else { return outcome }
    var codes = ExactCodes.codes(for: probe, dictionary: dictionary, bias: bias, lambda: lambda, threads: threads)
    var residual = centred - codes * dictionary
    var tried = [Bool](repeating: false, count: p)
    /// Replaces `atom` by `candidate` if the exactly re-solved loss of the points it touches (those
    /// that used the atom or fire on the candidate) falls; returns the measured decrease when kept.
    func keepIfLower(_ atom: Int, _ candidate: [Double]) -> Double? {
      let firing = residual.applied(to: candidate)
      let affected = (0..<p).filter { codes[$0, atom] > 0 || firing[$0] > lambda }
      guard !affected.isEmpty else { return nil }
      var moved = dictionary
      moved.setRow(atom, to: candidate)
      let points = rows(centred, affected)
      let newCodes = ExactCodes.codes(for: points, dictionary: moved, bias: nil, lambda: lambda, threads: threads)
      let newResidual = points - newCodes * moved
      let before = loss(rows(residual, affected), rows(codes, affected), lambda)
      let after = loss(newResidual, newCodes, lambda)
      guard after < before else { return nil }
      dictionary = moved
      for (row, n) in affected.enumerated() {
        codes.setRow(n, to: newCodes.row(row))
        residual.setRow(n, to: newResidual.row(row))
      }
      return before - after
    }
    for atom in wastedAtoms(dictionary: dictionary, codes: codes) {
      let norms = (0..<p).map { n in rowNorm(residual, n) }
      guard let seed = (0..<p).filter({ !tried[$0] && norms[$0] > lambda }).max(by: { norms[$0] < norms[$1] }) else { break }
      tried[seed] = true
      let candidate = refinedAtom(from: residual.row(seed).map { $0 / norms[seed] }, residual: residual, lambda: lambda)
      outcome.proposed += 1
      guard let decrease = keepIfLower(atom, candidate) else { continue }
      outcome.accepted += 1
      outcome.decrease += decrease
      outcome.movedAtoms.append(atom)
    }
    guard bias == nil else { return outcome }
    for (donor, receiver) in failingPairs(dictionary: dictionary, codes: codes) where !outcome.movedAtoms.contains(donor) {
      // Earlier moves changed codes: the pair is moved only if it still fails.
      guard let rotated = pairMove(donor: donor, receiver: receiver, dictionary: dictionary, codes: codes) else { continue }
      outcome.proposed += 1
      guard let decrease = keepIfLower(donor, rotated) else { continue }
      outcome.accepted += 1
      outcome.pairMoves += 1
      outcome.decrease += decrease
      outcome.movedAtoms.append(donor)
    }
    return outcome
  }

  /// The ordered pairs (i, j), both used, c_ij < 1, where i fires only where j fires (A_i ⊆ A_j):
  /// the failures of the no-bias pair condition, the donors with the larger code mass first.
  public static func failingPairs(dictionary: Matrix<Double>, codes: Matrix<Double>) -> [(donor: Int, receiver: Int)] {
    let k = codes.columns
    var uses = [Int](repeating: 0, count: k), mass = [Double](repeating: 0, count: k)
    var together = [Int](repeating: 0, count: k * k)
    for n in 0..<codes.rows {
      let active = (0..<k).filter { codes[n, $0] > 0 }
      for i in active {
        uses[i] += 1
        mass[i] += codes[n, i]
        for j in active { together[i * k + j] += 1 }
      }
    }
    let gram = dictionary.rowGram()
    var pairs: [(donor: Int, receiver: Int)] = []
    for i in (0..<k).sorted(by: { mass[$0] != mass[$1] ? mass[$0] > mass[$1] : $0 < $1 }) where uses[i] > 0 {
      for j in 0..<k where j != i && uses[j] > 0 && together[i * k + j] == uses[i] && gram[i, j] < 1 {
        pairs.append((i, j))
      }
    }
    return pairs
  }

  /// The donor's atom after the exact pair move toward `receiver` at the largest feasible angle (see
  /// the type's documentation), or `nil` when the pair condition holds for these codes.
  static func pairMove(donor i: Int, receiver j: Int, dictionary: Matrix<Double>, codes: Matrix<Double>) -> [Double]? {
    var ratio = Double.infinity
    for n in 0..<codes.rows where codes[n, i] > 0 {
      guard codes[n, j] > 0 else { return nil }
      ratio = min(ratio, codes[n, j] / codes[n, i])
    }
    let di = dictionary.row(i), dj = dictionary.row(j)
    let cosine = zip(di, dj).reduce(0) { $0 + $1.0 * $1.1 }
    let tangent = zip(dj, di).map { $0 - cosine * $1 }
    let sine = tangent.reduce(0) { $0 + $1 * $1 }.squareRoot()
    guard ratio.isFinite, sine > 0 else { return nil }
    let angle = atan2(ratio * sine, 1 + ratio * cosine)
    let rotated = zip(di, tangent).map { cos(angle) * $0 + sin(angle) * $1 / sine }
    let norm = rotated.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return rotated.map { $0 / norm }
  }

  /// The thresholded power iteration of Proposition 6.6 on the rows of `residual` from the unit
  /// vector `start`, ``powerIterations`` steps (stopping early if no residual fires).
  static func refinedAtom(from start: [Double], residual: Matrix<Double>, lambda: Double) -> [Double] {
    var atom = start
    for _ in 0..<powerIterations {
      let weights = residual.applied(to: atom).map { max($0 - lambda, 0) }
      let pulled = residual.applied(to: weights, transposed: true)
      let norm = pulled.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { break }
      atom = pulled.map { $0 / norm }
    }
    return atom
  }

  /// ½‖R‖² + λΣZ.
  static func loss(_ residual: Matrix<Double>, _ codes: Matrix<Double>, _ lambda: Double) -> Double {
    0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } + lambda * codes.storage.reduce(0, +)
  }

  static func rowNorm(_ matrix: Matrix<Double>, _ n: Int) -> Double {
    let m = matrix.columns
    var squared = 0.0
    for i in 0..<m { squared += matrix.storage[n * m + i] * matrix.storage[n * m + i] }
    return squared.squareRoot()
  }

  static func rows(_ matrix: Matrix<Double>, _ indices: [Int]) -> Matrix<Double> {
    OnlineDictionaryLearning.rows(matrix, indices[...])
  }
}
