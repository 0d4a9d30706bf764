import LabExperiments
import LabTraining

/// λ and the objective `lab check --sae` checks an SAE against (THEORY §9), from `--lambda` or from
/// the training record `lab train` keeps in the SAE's `cfg.json`.
enum CheckSAEObjective {
  /// The λ to use and one sentence saying which objective it belongs to; a missing λ that the record
  /// cannot supply is bad input naming `--lambda`.
  static func resolve(sae: String, lambda given: Double?) throws -> (lambda: Double, objective: String) {
    let record: SAETrainingRecord?
    do { record = try SAELensFormat.trainingRecord(in: sae) } catch { throw BadInput.fail("\(error)") }
    let trained: String
    switch (record?.l1Coefficient, record?.k) {
    case (let c?, _) where c > 0:
      trained = "trained by lab train as \(record!.architecture) with L1 coefficient C = \(c), i.e. P⁺_λ at λ = C/2 = \(c / 2) with norm-scaled codes (docs/theory-guide.md §10)"
      if given == nil { return (c / 2, "\(trained); λ taken from cfg.json") }
    case (_, let k?):
      trained = "trained by lab train as \(record!.architecture) with k = \(k) and no L1 penalty: its own objective is reconstruction under a top-k constraint, not P⁺_λ"
    case _ where record != nil:
      trained = "trained by lab train as \(record!.architecture) without an L1 penalty"
    default:
      trained = "no lab train record in cfg.json"
    }
    guard let given else {
      throw BadInput.fail("'--lambda' is needed for \(sae): \(trained), so cfg.json gives no λ")
    }
    return (given, "\(trained); checked against P⁺_λ at the given λ = \(given)")
  }
}
