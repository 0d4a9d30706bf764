extension TrainingState: ResumableTrainingState {
  /// The architecture's kind.
  public var kind: String { architecture.kind }
  /// m.
  public var inputDimension: Int { parameters.inputDimension }
  /// F.
  public var width: Int { parameters.width }

  /// `parameters.values`.
  public var weights: [Float] {
    get { parameters.values }
    set { parameters.values = newValue }
    _modify { yield &parameters.values }
  }

  /// Latent i is column i of `W_enc`, `b_enc[i]` and row i of `W_dec`, re-drawn tied at the
  /// architecture's initial decoder norm (as ``SAEParameters/initialized(inputDimension:width:seed:decoderNorm:)``).
  public var latentSlots: LatentSlots {
    LatentSlots(incomingOffset: parameters.encoderWeightsOffset, incomingInputs: inputDimension, biasOffset: parameters.encoderBiasOffset,
                outgoingOffset: parameters.decoderWeightsOffset, outgoingOutputs: inputDimension,
                draw: .tied(norm: architecture.initialDecoderNorm))
  }

  /// `noise_rng`, and the learned `threshold` (BatchTopK) or `mean_input_norm` (NSAE).
  public var checkpointExtras: [(key: String, json: String)] {
    var fields = [(key: "noise_rng", json: TrainingCheckpoint.generatorField(noiseGenerator))]
    if let batchTopK = architecture as? BatchTopKArchitecture { fields.append(("threshold", TrainingCheckpoint.hexField(batchTopK.threshold))) }
    if let nsae = architecture as? NormalizedSAEArchitecture { fields.append(("mean_input_norm", TrainingCheckpoint.hexField(nsae.meanInputNorm))) }
    return fields
  }

  /// Restores ``checkpointExtras``.
  public mutating func restoreCheckpointExtras(from fields: TrainingCheckpoint.Fields) throws(TrainingError) {
    noiseGenerator = try fields.generator("noise_rng")
    if var batchTopK = architecture as? BatchTopKArchitecture {
      batchTopK.threshold = try fields.double("threshold")
      architecture = batchTopK
    }
    if let nsae = architecture as? NormalizedSAEArchitecture {
      architecture = nsae.prepared(meanInputNorm: try fields.double("mean_input_norm"))
    }
  }
}
