import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabGenerators
import LabNumerics
import LabTraining

/// `lab train`: train a float32 SAE with Adam on the rows of X and write it as a SAELens directory.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a sparse autoencoder with Adam on the rows of X; write a SAELens directory.",
    discussion: """
      relu-l1 minimises mean_batch Σ_d (x̂ − x)² + C · mean_batch Σ_i z_i ‖W_dec,i‖ (the loss of bench_w3_sae.py);
      with --k K instead of a fixed --l1, C follows an integral controller to mean L0 = K (starting at 0.01).
      jumprelu --k K is sae-lens's JumpReLU with the step L0 loss c · mean_batch #{z_i ≠ 0}, thresholds learned by the
      rectangle-kernel straight-through estimator, set as the SynthSAEBench recipe sets them on inputs normalised to
      mean norm √d (bandwidth \(Int(JumpReLUTrainingArchitecture.recipeBandwidth)), initial threshold \(Int(JumpReLUTrainingArchitecture.recipeThreshold)), decoder rows of norm \(JumpReLUTrainingArchitecture.recipeDecoderNorm), c starting at \(Int(JumpReLUTrainingArchitecture.initialCoefficient)); here converted to the
      data's units by s = mean ‖x‖/√d, c by s²), the thresholds stepping at \(Int(JumpReLUTrainingArchitecture.targetL0ThresholdLearningRateFactor)) × --lr, c steered to mean L0 = K the same
      way but kept within a factor \(Int(TargetL0Controller.multiplierBound)) of its start (anti-windup);
      matryoshka --k K --prefixes a,b,c is Matryoshka BatchTopK: batchtopk plus one nested reconstruction loss per inner
      width (the full width implied), saved as jumprelu at the learned threshold; matching-pursuit --k K is sae-lens's
      matching-pursuit SAE (tied encoder, at most K greedy residual-pursuit steps, trained through the pursuit);
      relu-l1-unit uses C · mean_batch Σ_i z_i with unit-norm decoder rows; topk and batchtopk (top k·B over the
      batch, saved as SAELens jumprelu at the learned threshold) minimise the reconstruction term alone; nsae is the
      normalised SAE tanh(ReLU(x W_enc + b_enc + ε)), ε ~ N(0, σ²) in training, with β = α · mean(‖x‖)²; deep is the
      deep SAE (hidden tanh+LayerNorm encoder layers with a residual, TopK sparse layer, optional hidden ReLU decoder
      layers, unit-norm final decoder, weight decay on hidden layers), written in our own sparselab_deep format.
      Metrics are measured on all rows of X after training. Prints one JSON line: samplesPerSecond, mse,
      explainedVariance, l0, deadLatents, deadLatentsTraining, and mmcs with --truth; with --truth and an L1
      penalty also stationarity (docs/theory-guide.md §10, at λ = C/2: the checks of lab check --sae on the SAE's own codes and on
      exact codes, skipped beyond N·F = 4096). --checkpoint DIR saves the
      full training state (weights, Adam moments, step, generator states) at the end (and every
      --checkpoint-every steps); --resume DIR continues such a run to --steps, bit-identically (every kind, deep
      too). --aux-k adds the TopK auxiliary loss on latents dead for more than --dead-window steps (topk, batchtopk,
      and deep without hidden decoder layers); --resample-every re-initialises them instead. --truth-model DIR (a SAELens
      synthetic model) writes lab eval's metrics.json into --out: the SAE as saved, on --eval-samples fresh held-out
      samples of --seed (for batchtopk also the training-time encoder's figures, as trainingEncoder).
      --threads n splits each batch into n row blocks computed at once on single-threaded BLAS (resume with the same
      n; batchtopk gives the threads to OpenBLAS). A progress line goes to stderr when it is a terminal, unless --quiet.
      A step whose loss, gradient or updated weights are not finite stops the run with exit code 1, naming the step:
      no SAE is written and the last checkpoint written (a finite state) is kept. So does a diverging run: one whose
      mean batch loss over a logging window (max(1, steps/100) steps) exceeds divergenceLossFactor = \(Int(TrainingDivergence.lossFactor))
      times the first window's (or, when smaller, the first batch loss) stops at the window's last step,
      naming it and both losses.
      --from-saelens DIR instead of --data draws the batches from a SAELens synthetic model, no file in
      between: the samples lab generate --from-saelens DIR writes under the same --seed (default the
      model's), in float32, in chunks of 65,536 fresh samples (a multiple of --batch), one epoch each;
      metrics are measured on a fresh chunk, mmcs against the model's features unless --truth is given.
      --random-streams per-batch draws them as lab generate --random-streams per-batch does, the batches
      of 1,024 samples on the --threads threads.

      Examples:
        lab train --data X.npy --arch relu-l1 --l1 0.1 --width 16 --batch 64 --steps 500 --lr 0.01 \\
          --out sae
        lab train --data X.npy --arch topk --k 3 --width 16 --batch 64 --steps 500 --lr 0.01 --out sae
        lab train --data X.npy --arch topk --k 3 --width 16 --batch 64 --steps 500 --lr 0.01 \\
          --truth D.npy --out sae
        lab train --data X.npy --arch topk --k 3 --width 16 --batch 64 --steps 900 --lr 0.01 \\
          --resume ckpt --checkpoint ckpt --out sae
        lab train --from-saelens model --arch topk --k 25 --width 4096 --batch 1024 --steps 2000 \\
          --lr 3e-4 --out sae
      """)

  @Option(name: .long, help: ArgumentHelp("Training data, N×m float32 or float64 .npy.", valueName: "X.npy"))
  var data: String?

  @Option(name: .long, help: ArgumentHelp("Draw the batches from this SAELens synthetic-model directory instead of --data.", valueName: "dir"))
  var fromSaelens: String?

  @Option(name: .long, help: ArgumentHelp("With --from-saelens, the random streams, as lab generate takes them.", valueName: "single|per-batch"))
  var randomStreams: RandomStreams = .single

  @Option(name: .long, help: ArgumentHelp("Architecture: \(ArchitectureKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "kind"))
  var arch: ArchitectureKind

  @Option(name: .long, help: ArgumentHelp("Number of latents F.", valueName: "F"))
  var width: Int

  @Option(name: .long, help: ArgumentHelp("L1 coefficient (relu-l1, relu-l1-unit).", valueName: "C"))
  var l1: Double?

  @Option(name: .long, help: ArgumentHelp("Latents kept per sample (topk; mean per sample for batchtopk; target mean L0 for relu-l1 and jumprelu).", valueName: "K"))
  var k: Int?

  @Option(name: .long, help: ArgumentHelp("NSAE sparsity α; β = α · mean(‖x‖)² (nsae).", valueName: "A"))
  var alpha: Double?

  @Option(name: .long, help: ArgumentHelp("Standard deviation of the training noise (nsae; default 1).", valueName: "S"))
  var noiseSigma: Double?

  @Option(name: .long, help: ArgumentHelp("Hidden encoder widths, comma-separated or 'none'; the last must be m (deep; default m).",
                                          valueName: "W,..."))
  var hiddenLayers: String?

  @Option(name: .long, help: ArgumentHelp("Hidden decoder widths, comma-separated or 'none' (deep; default none).", valueName: "W,..."))
  var decoderLayers: String?

  @Option(name: .long, help: ArgumentHelp("Factor applied to the inputs (deep; default 1).", valueName: "S"))
  var inputScale: Double?

  @Option(name: .long, help: ArgumentHelp("Weight decay of the hidden layers (deep; default 5e-4).", valueName: "W"))
  var weightDecay: Double?

  @Option(name: .long, help: ArgumentHelp("Inner widths of the nested losses, strictly increasing, below --width (matryoshka).", valueName: "a,b,..."))
  var prefixes: String?

  @Option(name: .long, help: ArgumentHelp("Rows per step.", valueName: "B"))
  var batch: Int

  @Option(name: .long, help: ArgumentHelp("Optimiser steps.", valueName: "S"))
  var steps: Int

  @Option(name: .long, help: ArgumentHelp("Adam learning rate.", valueName: "LR"))
  var lr: Double

  @OptionGroup var seeding: SeedOption

  @OptionGroup var threading: ThreadOptions

  @Flag(name: .long, help: "Sparse Adam: update moments and weights only where the gradient is nonzero.")
  var sparseAdam = false

  @Option(name: .long, help: ArgumentHelp("Learning-rate decay after the warm-up (to 0).", valueName: "kind"))
  var lrSchedule: LearningRateSchedule.Decay = .constant

  @Option(name: .long, help: ArgumentHelp("Linear learning-rate warm-up steps.", valueName: "N"))
  var lrWarmup: Int = 0

  @Option(name: .long, help: ArgumentHelp("Linear warm-up steps of the sparsity coefficient.", valueName: "N"))
  var l1Warmup: Int = 0

  @Option(name: .long, help: ArgumentHelp("Clip the global gradient norm to this value.", valueName: "C"))
  var clip: Double?

  @Option(name: .long, help: ArgumentHelp("Every N steps, re-initialise the latents that did not fire in them.", valueName: "N"))
  var resampleEvery: Int?

  @Option(name: .long, help: ArgumentHelp("AuxK on the dead latents with k_aux = K (topk, batchtopk, deep with a linear decoder).", valueName: "K"))
  var auxK: Int?

  @Option(name: .long, help: ArgumentHelp("AuxK coefficient.", valueName: "C"))
  var auxCoefficient: Double = 1

  @Option(name: .long, help: ArgumentHelp("Steps without firing after which a latent is dead (AuxK, deadLatentsTraining).", valueName: "N"))
  var deadWindow: Int = 1000

  @Option(name: .long, help: ArgumentHelp("Write a training checkpoint directory at the end of the run.", valueName: "dir"))
  var checkpoint: String?

  @Option(name: .long, help: ArgumentHelp("Also write the checkpoint every N steps.", valueName: "N"))
  var checkpointEvery: Int?

  @Option(name: .long, help: ArgumentHelp("Resume from a checkpoint directory written by --checkpoint.", valueName: "dir"))
  var resume: String?

  @OptionGroup var progress: ProgressOptions

  @Option(name: .long, help: ArgumentHelp("Ground-truth dictionary, K×m .npy (rows are features), for MMCS.", valueName: "D.npy"))
  var truth: String?

  @Option(name: .long, help: ArgumentHelp("A SAELens synthetic-model directory: write metrics.json (lab eval's) into --out, on fresh held-out samples of --seed.", valueName: "dir"))
  var truthModel: String?

  @Option(name: .long, help: ArgumentHelp("Held-out samples for --truth-model's metrics.", valueName: "N"))
  var evalSamples: Int = SynthBenchRun.defaultSamples

  @Option(name: .long, help: ArgumentHelp("Output SAELens directory (cfg.json, sae_weights.safetensors).", valueName: "dir"))
  var out: String

  /// The root seed (0 unless `--seed` is given).
  var seed: UInt64 { seeding.seed ?? 0 }

  /// The thread count of `--threads`: each batch is split into that many row blocks computed at once
  /// on single-threaded BLAS (resume with the same count); batchtopk gives them to OpenBLAS.
  var threads: Int { threading.threads }

  func validate() throws {
    guard width >= 1 else { throw ValidationError("'--width' must be >= 1, got \(width)") }
    guard (data == nil) != (fromSaelens == nil) else { throw ValidationError("give exactly one of '--data X.npy' and '--from-saelens DIR'") }
    if fromSaelens != nil {
      guard arch != .deep else { throw ValidationError("'--from-saelens' applies to the SAELens kinds, not deep") }
      guard checkpoint == nil && resume == nil else { throw ValidationError("'--checkpoint' and '--resume' do not support '--from-saelens' yet") }
    } else if randomStreams != .single {
      throw ValidationError("'--random-streams' applies to '--from-saelens' only")
    }
    _ = try Self.widths(hiddenLayers, option: "--hidden-layers")
    _ = try Self.widths(decoderLayers, option: "--decoder-layers")
    guard lrWarmup >= 0 else { throw ValidationError("'--lr-warmup' must be >= 0, got \(lrWarmup)") }
    if let checkpointEvery, checkpointEvery < 1 { throw ValidationError("'--checkpoint-every' must be >= 1, got \(checkpointEvery)") }
    if checkpointEvery != nil && checkpoint == nil { throw ValidationError("'--checkpoint-every' needs '--checkpoint DIR'") }
  }

  /// Where the command writes: the SAE (and metrics.json) in `--out`, the training state in
  /// `--checkpoint` (which may be the `--resume` directory: a checkpoint continues in place).
  var outputs: [OutputTarget] {
    [.directory("--out", out, names: [SAELensFormat.configFile, SAELensFormat.weightsFile, SynthBenchRun.metricsFile])]
      + [checkpoint.map { .directory("--checkpoint", $0, names: [TrainingCheckpoint.tensorsFile, TrainingCheckpoint.stateFile]) }].compactMap { $0 }
  }

  func run() throws {
    try OutputCheck.validate(outputs, inputs: [data, fromSaelens, truth, truthModel].compactMap { $0 })
    let options = ArchitectureOptions(l1: l1, k: k, alpha: alpha, noiseSigma: noiseSigma,
                                      hiddenLayers: try Self.widths(hiddenLayers, option: "--hidden-layers"),
                                      decoderLayers: try Self.widths(decoderLayers, option: "--decoder-layers"),
                                      inputScale: inputScale, weightDecay: weightDecay,
                                      prefixes: try Self.widths(prefixes, option: "--prefixes"))
    let deep = arch == .deep
    var x: Matrix<Float>
    let stream = try fromSaelens.map { try TrainStream(directory: $0, seed: seeding.seed, streams: randomStreams, batch: batch, threads: threads) }
    let source = data ?? fromSaelens ?? ""
    if let stream {
      x = stream.chunk
    } else {
      do { x = try NumPyArray(contentsOf: source).matrix(path: source, role: "the data X (N × m)") } catch { throw BadInput.fail("\(error)") }
    }
    guard x.rows >= 1, x.columns >= 1 else { throw BadInput.fail("\(source): the data X must have at least one row and column, got \(x.rows)×\(x.columns)") }
    try requireMemory(options: options, inputDimension: x.columns)
    // The deep SAE's options are checked once the input dimension is known; its trainer ignores this one.
    var architecture: any SAEArchitecture = TopKArchitecture(k: 1)
    if !deep {
      switch ArchitectureRegistry.make(kind: arch, options: options, width: width) {
      case .success(let a): architecture = a
      case .failure(let error): throw BadInput.fail(Self.flags.rewrite(error))
      }
    }
    var dictionary: Matrix<Double>? = stream?.truth
    if let truth {
      let d: Matrix<Double>
      do { d = try NumPyArray(contentsOf: truth).matrix(path: truth, role: "the true dictionary D (K × m)") } catch { throw BadInput.fail("\(error)") }
      guard d.columns == x.columns, d.rows >= 1 else {
        throw BadInput.fail("\(truth): the true dictionary must be K×\(x.columns) with K >= 1 (rows are features), got \(d.rows)×\(d.columns)")
      }
      dictionary = d
    }
    let configuration = TrainingConfiguration(
      architecture: architecture, width: width, batchSize: batch, steps: steps, learningRate: lr, seed: seed, sparseAdam: sparseAdam,
      deadWindow: deadWindow, schedule: LearningRateSchedule(warmupSteps: lrWarmup, decay: lrSchedule), l1WarmupSteps: l1Warmup,
      gradientClipNorm: clip, resampleInterval: resampleEvery, auxK: auxK, auxCoefficient: auxCoefficient,
      batchBlocks: max(1, min(threads, batch)))
    if let error = Trainer.validate(configuration, rows: x.rows) { throw BadInput.fail(Self.flags.rewrite(error)) }
    if let truthModel {
      guard !deep else { throw BadInput.fail("'--truth-model' applies to the SAELens kinds, not deep") }
      guard (1...100_000_000).contains(evalSamples) else { throw BadInput.fail("'--eval-samples' must be in 1...100000000, got \(evalSamples)") }
      let model = try SynthBenchRun.readModel(truthModel)
      guard model.featureVectors.columns == x.columns else {
        throw BadInput.fail("\(truthModel): the synthetic model's 'hidden_dim' \(model.featureVectors.columns) does not match the data's \(x.columns) columns")
      }
    }
    BLAS.setThreadCount(threads)
    if deep { return try runDeep(options: options, common: configuration, data: x, truth: dictionary) }
    let (state, firstStep, seconds) = try train(
      configuration, rows: x.rows, initial: { Trainer.initialState(configuration, data: x) },
      read: { path throws(TrainingError) in try TrainingCheckpoint.read(from: path, configuration: configuration, data: x) }
    ) { state, stop, progress in
      if let stream { return stream.run(&state, configuration, until: stop, progressInterval: 1, progress: progress) }
      return Trainer.run(&state, configuration, data: x, until: stop, progressInterval: 1, progress: progress)
    }
    let result = Trainer.result(state, configuration, steps: steps - firstStep, seconds: seconds)
    if let stream { x = stream.heldOut() }
    let metrics = SAEMetrics.evaluate(result.autoencoder, on: x, truth: dictionary)
    try SAELensFormat.write(result.autoencoder, to: out, training: SAETrainingRecord(configuration, architectureName: arch.rawValue))
    if let truthModel { try writeSynthBenchMetrics(truthModel: truthModel, trained: result.autoencoder) }
    var extra = resumeFields(firstStep: firstStep, resampledLatents: result.resampledLatents)
    if let batchTopK = result.autoencoder.architecture as? BatchTopKArchitecture { extra.append(("threshold", Self.number(batchTopK.threshold))) }
    if let matryoshka = result.autoencoder.architecture as? MatryoshkaBatchTopKArchitecture {
      extra.append(("threshold", Self.number(matryoshka.batchTopK.threshold)))
    }
    if let jumpReLU = result.autoencoder.architecture as? JumpReLUTrainingArchitecture {
      extra.append(("sparsityCoefficient", Self.number(jumpReLU.coefficient)))
    }
    if let reluL1 = result.autoencoder.architecture as? ReLUL1Architecture, reluL1.controller != nil {
      extra.append(("sparsityCoefficient", Self.number(reluL1.l1Coefficient)))
    }
    if dictionary != nil, let lambda = SAEStationarity.lambda(of: architecture) {
      let samples = Matrix(rows: x.rows, columns: x.columns, storage: x.storage.map(Double.init))
      let stationarity = try SAEStationarity.assess(result.autoencoder, samples: samples, lambda: lambda, source: out, dataSource: source,
                                                    maximumCodes: Self.stationarityCodes)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
      extra.append(("stationarity", String(decoding: try encoder.encode(stationarity), as: UTF8.self)))
    }
    report(seconds: result.seconds, samplesPerSecond: result.samplesPerSecond, finalLoss: result.finalLoss, metrics: metrics,
           deadTraining: result.tracker.deadCount(window: configuration.deadWindow), extra: extra)
  }

  /// Exit code 2 when the SAE's layers (m → the deep kind's hidden layers → F → its decoder layers
  /// → m) need more memory than the machine has: weights, gradient, Adam's two moments and the
  /// copy a checkpoint or the written file makes, in float32, and the batch's activations.
  func requireMemory(options: ArchitectureOptions, inputDimension m: Int) throws {
    let hidden = arch == .deep ? options.hiddenLayers ?? [m] : [], decoder = arch == .deep ? options.decoderLayers ?? [] : []
    let layers = [m] + hidden + [width] + decoder + [m]
    let parameters = zip(layers, layers.dropFirst()).map { MemoryBudget.product($0 + 1, $1) }
    let activations = layers.map { MemoryBudget.product(max(1, batch), $0) }
    try MemoryCheck.require("an SAE with layers \(layers.map(String.init).joined(separator: " → ")) ('--width'\(arch == .deep ? ", '--hidden-layers', '--decoder-layers'" : ""))",
                            parameters.map { ($0, 5 * MemoryLayout<Float>.size) } + activations.map { ($0, 4 * MemoryLayout<Float>.size) })
  }

  /// Steps per logging window: the progress interval, and the window whose mean batch loss the
  /// divergence rule compares with the first window's reference (``TrainingDivergence/Monitor``).
  static func loggingWindow(steps: Int) -> Int { max(1, steps / 100) }

  /// Starts from the `--resume` checkpoint (through `read`) or from `initial`, then runs `run`
  /// (which steps the state to a given step, reporting progress) to `--steps`, writing the
  /// checkpoint every `--checkpoint-every` steps and at the end when `--checkpoint` is given.
  /// Returns the final state, the step it started from and the wall seconds, reading included.
  /// A run that diverges (``TrainingDivergence``) ends with exit code 1 and writes nothing more:
  /// the last checkpoint written, if any, is the last finite state.
  func train<State: ResumableTrainingState>(
    _ configuration: TrainingConfiguration, rows: Int, initial: () -> State, read: (String) throws(TrainingError) -> State,
    run: (inout State, Int, ((TrainingProgress) -> Void)?) -> TrainingDivergence?
  ) throws -> (state: State, firstStep: Int, seconds: Double) {
    let start = Date()
    var state: State
    if let resume {
      do { state = try read(resume) } catch { throw BadInput.fail("\(error)") }
    } else {
      state = initial()
    }
    let firstStep = state.step
    let reporter = TrainProgress.reporter(quiet: self.progress.quiet)
    // The run goes window by window so that loss growth (TrainingDivergence.Monitor) stops it at the
    // window's last step; a run split into calls gives the same bytes as one call.
    let window = Self.loggingWindow(steps: steps)
    var monitor = TrainingDivergence.Monitor(window: window)
    var growth: TrainingDivergence?
    let progress: (TrainingProgress) -> Void = { step in
      if growth == nil { growth = monitor.record(loss: Double(step.loss.total), step: step.step) }
      if step.step % window == 0 || step.step == steps { reporter?(step) }
    }
    // The step of the last finite state saved: the resumed one, then each checkpoint written.
    var saved: (directory: String, step: Int)? = resume.map { ($0, firstStep) }
    while state.step < steps {
      let boundary = checkpointEvery.map { min(steps, (state.step / $0 + 1) * $0) } ?? steps
      let stop = min(boundary, (state.step / window + 1) * window)
      if let divergence = run(&state, stop, progress) ?? growth {
        if reporter != nil { StandardStreams.error(ProgressBar.clearLine) }
        let kept = saved.map { "; the last finite checkpoint (step \($0.step)) is kept in \($0.directory)" } ?? "; no checkpoint was written"
        StandardStreams.error("lab train: \(divergence) (lower '--lr' or set '--clip'); nothing was written to \(out)\(kept)\n")
        throw ExitCode.failure
      }
      if let checkpoint, stop == boundary, stop < steps {
        try TrainingCheckpoint.write(state, configuration: configuration, rows: rows, to: checkpoint)
        saved = (checkpoint, state.step)
      }
    }
    if let checkpoint { try TrainingCheckpoint.write(state, configuration: configuration, rows: rows, to: checkpoint) }
    return (state, firstStep, Date().timeIntervalSince(start))
  }

  /// Writes `metrics.json` into `--out`: the SAE as saved (read back, as sae-lens loads it) on
  /// `--eval-samples` fresh samples of `--seed`'s held-out stream; for batchtopk also the training-time
  /// encoder's figures.
  func writeSynthBenchMetrics(truthModel: String, trained: SparseAutoencoder<Float>) throws {
    let saved = try SynthBenchRun.readSAE(out)
    let source = SynthBenchRun.Source.fresh(samples: evalSamples, seed: seed)
    var record = try SynthBenchRun.evaluate(saved, sae: out, truthModel: truthModel, source: source)
    let batchTopK = (trained.architecture as? BatchTopKArchitecture) ?? (trained.architecture as? MatryoshkaBatchTopKArchitecture)?.batchTopK
    if let batchTopK {
      let encoder = SparseAutoencoder(architecture: BatchTopKTrainingEncoder(k: batchTopK.k), parameters: trained.parameters)
      record.trainingEncoder = try SynthBenchRun.evaluation(encoder, sae: out, model: try SynthBenchRun.readModel(truthModel),
                                                            truthModel: truthModel, source: source, chunkRows: batch).metrics
    }
    let path = URL(fileURLWithPath: out).appendingPathComponent(SynthBenchRun.metricsFile).path
    try AtomicWriter.write([(path, try SynthBenchRun.encoded(record))])
  }

  /// The JSON fields of a resumed run (`resumedAtStep`) and of resampling (`resampledLatents`).
  func resumeFields(firstStep: Int, resampledLatents: Int) -> [(String, String)] {
    var fields: [(String, String)] = []
    if firstStep > 0 { fields.append(("resumedAtStep", "\(firstStep)")) }
    if resampleEvery != nil { fields.append(("resampledLatents", "\(resampledLatents)")) }
    return fields
  }

  /// Prints the JSON line: the run's settings, speed, metrics and `extra` fields, then `out`.
  func report(seconds: Double, samplesPerSecond: Double, finalLoss: BatchLoss, metrics: SAEMetrics, deadTraining: Int,
              extra: [(String, String)]) {
    var fields: [(String, String)] = [
      ("arch", "\"\(arch.rawValue)\""), ("width", "\(width)"), ("batch", "\(batch)"), ("steps", "\(steps)"), ("threads", "\(threads)"),
      ("seed", "\(seed)"), ("seconds", Self.number(seconds)), ("samplesPerSecond", Self.number(samplesPerSecond)),
      ("finalLoss", Self.number(finalLoss.total)), ("mse", Self.number(metrics.meanSquaredError)),
      ("explainedVariance", Self.number(metrics.explainedVariance)), ("l0", Self.number(metrics.l0)),
      ("deadLatents", "\(metrics.deadLatents)"), ("deadLatentsTraining", "\(deadTraining)"),
    ]
    if let mmcs = metrics.meanMaxCosineSimilarity { fields.append(("mmcs", Self.number(mmcs))) }
    if randomStreams != .single { fields.append(("randomStreams", "\"\(randomStreams.rawValue)\"")) }
    fields += extra
    fields.append(("out", Self.jsonString(out)))
    print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
    // Finite but worse than the data's mean (explained variance 0): not a divergence by the rule of
    // TrainingDivergence, but never silent.
    if metrics.explainedVariance < 0 {
      StandardStreams.error("lab train: warning: explained variance \(metrics.explainedVariance) < 0: the SAE reconstructs the data "
                            + "worse than their mean; lower '--lr' if training diverged\n")
    }
  }

  /// The most codes N·F for which `lab train` runs the stationarity checks itself (a few seconds);
  /// beyond, its `stationarity` says skipped and `lab check --sae` runs them.
  static let stationarityCodes = 4096

  /// Comma-separated layer widths, `none` for an empty list, nil when the option is absent.
  static func widths(_ text: String?, option: String) throws -> [Int]? {
    guard let text else { return nil }
    if text == "none" { return [] }
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
      throw ValidationError("'\(option)' must be comma-separated widths >= 1 or 'none', got '\(text)'")
    }
    return parts.map { $0! }
  }

  /// A finite number in JSON (non-finite values, which training can produce on divergence, as null).
  static func number(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "null"
  }

  /// `text` as a JSON string literal.
  static func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
  }
}

/// `--arch` parses the ``ArchitectureKind`` names; anything else is refused with exit 2 listing them.
extension ArchitectureKind: ExpressibleByArgument {}
