import LabNumerics
import LabRandom

/// Online mini-batch dictionary learning for P⁺_λ (Mairal, Bach, Ponce & Sapiro, "Online
/// dictionary learning for sparse coding", ICML 2009; JMLR 2010 §3.4), for data too large for
/// full-batch block minimisation.
///
/// Each epoch visits the points in a seeded random order, in mini-batches of `batchSize`:
/// 1. exact codes of the batch for the current D and b (``ExactCodes``, the active-set lasso);
/// 2. the statistics of ``SufficientStatistics`` are multiplied by the forgetting factor β_t of
///    `memory` (``SurrogateMemory``: by default a memory of 20 batches; the peers' schedule on
///    request), and the batch is added at weight 1/η (η the batch size, t the step);
/// 3. `dictionarySweeps` sweeps of exact block steps on the atoms of the surrogate (unit-norm
///    projection of the block-coordinate update), each followed, with a free bias, by the exact
///    surrogate bias.
///
/// Steps 2–3 never increase the surrogate. After each epoch an atom unused during the epoch and
/// dead on the last batch's residual is re-seeded by the new-atom test (``DeadAtoms``); with
/// `escapes`, instead, the escape moves of ``EscapeMoves`` run on the last ``escapeProbePoints``
/// points of the epoch's order, each kept only with a measured decrease of their loss.
/// The run stops when the largest change of an atom or bias entry over an epoch is at most
/// `stepTolerance` (stalled), after `epochs` epochs, or once `timeLimit` has passed (a
/// ``LearningDeadline`` asked after every batch, so the run stops within one mini-batch of it, at the
/// dictionary and bias of the batch's completed update). ``fit(samples:initialDictionary:initialBias:lambda:seed:configuration:observer:deadline:)``
/// then solves the codes of every point exactly (``ExactCodes``, one pass the deadline does not
/// interrupt: the codes and KKT residuals must belong to the returned dictionary); ``train(samples:initialDictionary:initialBias:lambda:seed:configuration:observer:deadline:)``
/// stops before that.
///
/// BLAS runs single-threaded during training; `threads` workers share each batch's codes.
/// Every random draw comes from `SeedTree(root: seed)` (path `"learn/online/epoch-<e>"`), and every
/// batch code is solved point by point, so a seed gives the same dictionary bytes for every thread
/// count (unless the time limit ends the run).
public enum OnlineDictionaryLearning {
  /// Training options.
  public struct Configuration: Codable, Equatable, Sendable {
    /// Passes over the data.
    public var epochs: Int
    /// Points per mini-batch (η).
    public var batchSize: Int
    /// Largest change of an atom or bias entry over an epoch at or below which the run has stalled.
    public var stepTolerance: Double
    /// Wall-clock limit in seconds; `nil` for none.
    public var timeLimit: Double?
    /// Whether dead atoms are re-seeded after every epoch.
    public var reseedsDeadAtoms: Bool
    /// Worker threads for the codes of a batch.
    public var threads: Int
    /// Block-coordinate sweeps on the surrogate per batch.
    public var dictionarySweeps: Int
    /// Whether to start from exact codes of every point at the initial state: the statistics
    /// then hold one epoch of the whole data (the surrogate equals L_λ there) and the step count
    /// starts after one epoch — the way to continue a saved fit.
    public var continuesFromInitialState: Bool
    /// How long the surrogate remembers a mini-batch.
    public var memory: SurrogateMemory
    /// Whether the measured escape moves of ``EscapeMoves`` replace the dead-atom re-seeding after every epoch.
    public var escapes: Bool

    /// Options; the defaults are those of the lab's W2 benchmark (batch 256).
    public init(epochs: Int = 10, batchSize: Int = 256, stepTolerance: Double = 1e-6, timeLimit: Double? = nil,
                reseedsDeadAtoms: Bool = true, threads: Int = 1, continuesFromInitialState: Bool = false,
                dictionarySweeps: Int = 3, memory: SurrogateMemory = .standard, escapes: Bool = false) {
      self.epochs = epochs
      self.batchSize = batchSize
      self.stepTolerance = stepTolerance
      self.timeLimit = timeLimit
      self.reseedsDeadAtoms = reseedsDeadAtoms
      self.threads = threads
      self.continuesFromInitialState = continuesFromInitialState
      self.dictionarySweeps = dictionarySweeps
      self.memory = memory
      self.escapes = escapes
    }

    /// Problems with the options, each naming the field and value; empty when valid.
    public func problems() -> [ParameterProblem] {
      var found: [ParameterProblem] = []
      for (name, value) in [("epochs", epochs), ("batchSize", batchSize), ("threads", threads),
                                ("dictionarySweeps", dictionarySweeps)] where value < 1 {
        found.append(ParameterProblem(name, mustBe: "at least 1", got: value))
      }
      if !(stepTolerance.isFinite && stepTolerance >= 0) {
        found.append(ParameterProblem("stepTolerance", mustBe: "a finite number ≥ 0", got: stepTolerance))
      }
      if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
        found.append(ParameterProblem("timeLimit", mustBe: "a finite number > 0", got: timeLimit))
      }
      if let problem = memory.problem { found.append(problem) }
      return found
    }
  }

  /// The state at the end of training, before the final exact codes.
  public struct State: Sendable {
    /// The unit-norm dictionary, `K × m`.
    public var dictionary: Matrix<Double>
    /// The bias, or `nil` without a free bias.
    public var bias: [Double]?
    /// One entry per epoch: the sum over its batches of the batch loss at the batch's codes, before
    /// that batch's update (the online estimate of L_λ); with `continuesFromInitialState` it starts
    /// with the exact L_λ at the initial state.
    public var objectiveHistory: [Double]
    /// Epochs started.
    public var epochs: Int
    /// Why training stopped.
    public var termination: LearningTermination
    /// How many times an atom was re-seeded.
    public var reseededAtoms: Int
    /// The escape moves summed over the epochs; `nil` without `escapes`.
    public var escapes: EscapeMoves.Outcome?
  }

  /// The state after a mini-batch's dictionary update, handed to the observer of
  /// ``train(samples:initialDictionary:initialBias:lambda:seed:configuration:observer:)``.
  public struct Progress: Sendable {
    /// The epoch under way (1-based).
    public var epoch: Int
    /// Mini-batches done in this epoch.
    public var batchesInEpoch: Int
    /// Mini-batches per epoch.
    public var batchesPerEpoch: Int
    /// The unit-norm dictionary after this batch, `K × m`.
    public var dictionary: Matrix<Double>
    /// The bias after this batch, or `nil` without a free bias.
    public var bias: [Double]?
  }

  /// Trains, then solves the codes of every point exactly and measures the KKT residuals there;
  /// `observer` sees every mini-batch of the training and `deadline` replaces the clock of
  /// `configuration.timeLimit` (see ``train(samples:initialDictionary:initialBias:lambda:seed:configuration:observer:deadline:)``).
  public static func fit(samples: Matrix<Double>, initialDictionary: Matrix<Double>, initialBias: [Double]?,
                         lambda: Double, seed: UInt64, configuration: Configuration = Configuration(),
                         observer: ((Progress) -> Void)? = nil, deadline: LearningDeadline? = nil) -> LearningResult {
    let state = train(samples: samples, initialDictionary: initialDictionary, initialBias: initialBias, lambda: lambda,
                      seed: seed, configuration: configuration, observer: observer, deadline: deadline)
    let codes = ExactCodes.codes(for: samples, dictionary: state.dictionary, bias: state.bias, lambda: lambda,
                                 threads: configuration.threads)
    let problem = SparseCodingProblem(samples: samples, dictionary: state.dictionary, bias: state.bias, codes: codes, lambda: lambda)
    var result = LearningResult(problem: problem, objectiveHistory: state.objectiveHistory, iterations: state.epochs,
                                termination: state.termination, kkt: KKTResiduals(problem), reseededAtoms: state.reseededAtoms)
    result.escapes = state.escapes
    return result
  }

  /// Trains from `initialDictionary` (rows normalised here) and `initialBias` (`nil` = no bias),
  /// calling `observer` (if any) after every mini-batch; the observer cannot change the run.
  /// `deadline` replaces the clock of `configuration.timeLimit` (tests stop a run at a chosen batch).
  public static func train(samples: Matrix<Double>, initialDictionary: Matrix<Double>, initialBias: [Double]?,
                           lambda: Double, seed: UInt64, configuration: Configuration = Configuration(),
                           observer: ((Progress) -> Void)? = nil, deadline: LearningDeadline? = nil) -> State {
    precondition(configuration.problems().isEmpty, "Invalid online configuration: \(configuration.problems()).")
    precondition(samples.rows >= 1 && initialDictionary.columns == samples.columns,
                 "Online learning needs N ≥ 1 and D with m = \(samples.columns) columns, got N \(samples.rows), D \(initialDictionary.rows)×\(initialDictionary.columns).")
    // The mini-batch products are small: BLAS threads would only spin against the coding workers.
    let previousBLASThreads = BLAS.threadCount
    BLAS.setThreadCount(1)
    defer { BLAS.setThreadCount(previousBLASThreads) }
    let deadline = deadline ?? LearningDeadline(timeLimit: configuration.timeLimit)
    let n = samples.rows, m = samples.columns, k = initialDictionary.rows, eta = configuration.batchSize
    let threads = configuration.threads
    var dictionary = BlockMinimization.normalizedRows(initialDictionary)
    var bias = initialBias
    var statistics = SufficientStatistics(atoms: k, dimension: m)
    var history: [Double] = []
    var step = 0
    if configuration.continuesFromInitialState {
      let codes = ExactCodes.codes(for: samples, dictionary: dictionary, bias: bias, lambda: lambda, threads: threads)
      history.append(SparseCodingProblem(samples: samples, dictionary: dictionary, bias: bias, codes: codes, lambda: lambda).loss)
      statistics.add(samples: samples, codes: codes, scale: 1 / Double(eta))
      step = (n + eta - 1) / eta
    }
    let seeds = SeedTree(root: seed)
    var order = Array(0..<n)
    var termination = LearningTermination.iterationLimit
    var reseeded = 0
    var escapes: EscapeMoves.Outcome? = configuration.escapes ? EscapeMoves.Outcome() : nil
    var epochs = 0
    let batchesPerEpoch = (n + eta - 1) / eta
    training: while epochs < configuration.epochs {
      epochs += 1
      var generator = seeds.generator(for: "learn/online/epoch-\(epochs)")
      for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, generator.nextInt(below: i + 1)) }
      var used = [Bool](repeating: false, count: k)
      var epochLoss = 0.0, largestMove = 0.0
      var lastResidual = Matrix<Double>(rows: 0, columns: m)
      var start = 0, batchesInEpoch = 0
      while start < n {
        let count = min(eta, n - start)
        let batch = Self.rows(samples, order[start..<(start + count)])
        start += count
        let codes = ExactCodes.codes(for: batch, dictionary: dictionary, bias: bias, lambda: lambda, threads: threads,
                                     blockSize: Self.codeBlockSize)
        let residual = SparseCodingProblem.subtractingBias(bias, from: batch) - codes * dictionary
        epochLoss += 0.5 * residual.storage.reduce(0) { $0 + $1 * $1 } + lambda * codes.storage.reduce(0, +)
        for (index, value) in codes.storage.enumerated() where value != 0 { used[index % k] = true }
        statistics.decay(by: configuration.memory.factor(step: step, batchSize: eta))
        statistics.add(samples: batch, codes: codes, scale: 1 / Double(count))
        step += 1
        for _ in 0..<configuration.dictionarySweeps {
          largestMove = max(largestMove, statistics.updateAtoms(&dictionary, bias: bias))
          if let old = bias {
            let new = statistics.optimalBias(dictionary: dictionary, current: old)
            for i in 0..<m { largestMove = max(largestMove, abs(new[i] - old[i])) }
            bias = new
          }
        }
        lastResidual = residual
        batchesInEpoch += 1
        observer?(Progress(epoch: epochs, batchesInEpoch: batchesInEpoch, batchesPerEpoch: batchesPerEpoch,
                           dictionary: dictionary, bias: bias))
        if deadline.hasPassed {
          termination = .timeLimit
          history.append(epochLoss)
          break training
        }
      }
      history.append(epochLoss)
      if var total = escapes {
        let probe = Self.rows(samples, order[max(0, n - Self.escapeProbePoints)..<n])
        let outcome = EscapeMoves.apply(dictionary: &dictionary, bias: bias, probe: probe, lambda: lambda, threads: threads)
        for atom in outcome.movedAtoms { statistics.forgetAtom(atom) }
        total.proposed += outcome.proposed
        total.accepted += outcome.accepted
        total.decrease += outcome.decrease
        total.pairMoves += outcome.pairMoves
        total.movedAtoms += outcome.movedAtoms
        escapes = total
        if outcome.accepted > 0 { largestMove = .infinity }
      } else if configuration.reseedsDeadAtoms {
        let moved = DeadAtoms.reseed((0..<k).filter { !used[$0] }, dictionary: &dictionary, residual: lastResidual, lambda: lambda)
        for atom in moved { statistics.forgetAtom(atom) }
        reseeded += moved.count
        if !moved.isEmpty { largestMove = .infinity }
      }
      if largestMove <= configuration.stepTolerance {
        termination = .stalled
        break
      }
    }
    return State(dictionary: dictionary, bias: bias, objectiveHistory: history, epochs: epochs, termination: termination,
                 reseededAtoms: reseeded, escapes: escapes)
  }

  /// Points of the probe on which the escape moves are measured (the last of each epoch's order).
  public static let escapeProbePoints = 4096

  /// The rows `indices` of `samples`.
  static func rows(_ samples: Matrix<Double>, _ indices: ArraySlice<Int>) -> Matrix<Double> {
    let m = samples.columns
    var storage: [Double] = []
    storage.reserveCapacity(indices.count * m)
    for point in indices { storage.append(contentsOf: samples.storage[(point * m)..<((point + 1) * m)]) }
    return Matrix(rows: indices.count, columns: m, storage: storage)
  }

  /// Points per worker task when coding a mini-batch: a batch of 256 is eight tasks, so that two or
  /// more workers share it; fixed, so the codes do not depend on the thread count.
  static let codeBlockSize = 32

  /// The forgetting factor β_t of scikit-learn and SPAMS before step t (0-based) with batch size η:
  /// β_t = (θ + 1 − η)/(θ + 1), θ = (t + 1)η for t < η − 1 and θ = η² + t + 1 − η after
  /// (``SurrogateMemory/peerSchedule``).
  public static func forgetting(step t: Int, batchSize eta: Int) -> Double {
    let theta = t < eta - 1 ? Double((t + 1) * eta) : Double(eta * eta + t + 1 - eta)
    return (theta + 1 - Double(eta)) / (theta + 1)
  }
}
