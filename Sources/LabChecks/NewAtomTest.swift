import LabNumerics
import LabSolvers

/// The new-atom test of THEORY Proposition 6.7: adding a unit atom e with small codes s_n ≥ 0
/// changes L_λ by Σ_n s_n (λ − eᵀr_n) + O(s²), so a new atom can lower the loss iff
/// max_n ‖r_n‖ > λ, best with e = r_n/‖r_n‖ at the point of largest residual. First-order
/// stationarity cannot see this (a dead atom passes (K1)–(K3)); the test can.
///
/// When the test says a new atom helps, it is applied: the atom r_n*/‖r_n*‖ is appended and the
/// codes are re-solved exactly, and the measured loss is reported beside the prediction. The same
/// holds for signed codes (the new code may take either sign, so the change is Σ_n λ|s_n| − s_n eᵀr_n).
public struct NewAtomTest: Codable, Sendable, Equatable {
  /// max_n ‖r_n‖.
  public var maxResidualNorm: Double
  /// The point attaining it (0-based).
  public var point: Int
  /// Whether max_n ‖r_n‖ > λ, i.e. some new atom lowers the loss.
  public var improves: Bool
  /// L_λ with the atom r_n*/‖r_n*‖ appended and exact codes, when `improves`.
  public var lossWithNewAtom: Double?
  /// L_λ of the candidate.
  public var loss: Double

  /// A test whose measurements were made elsewhere (e.g. in one streaming pass).
  public init(maxResidualNorm: Double, point: Int, lambda: Double, loss: Double, lossWithNewAtom: Double?) {
    self.maxResidualNorm = maxResidualNorm
    self.point = point
    self.improves = maxResidualNorm > lambda
    self.loss = loss
    self.lossWithNewAtom = lossWithNewAtom
  }

  /// Runs the test on `problem` (whose codes are used as given for the residuals).
  public init(_ problem: SparseCodingProblem) {
    let residual = problem.residual
    var best = 0.0, point = 0
    for n in 0..<residual.rows {
      let norm = residual.row(n).reduce(0) { $0 + $1 * $1 }.squareRoot()
      if norm > best { best = norm; point = n }
    }
    maxResidualNorm = best
    self.point = point
    improves = best > problem.lambda
    loss = problem.loss
    guard improves else { return }
    var dictionary = Matrix<Double>(rows: problem.dictionary.rows + 1, columns: problem.dictionary.columns)
    dictionary.storage = problem.dictionary.storage + residual.row(point).map { $0 / best }
    var augmented = problem
    augmented.dictionary = dictionary
    augmented.codes = problem.exactCodes(dictionary: dictionary, bias: problem.bias)
    lossWithNewAtom = augmented.loss
  }
}
