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

  /// `noise_rng`, and the architecture's own state (``CheckpointedArchitecture``).
  public var checkpointExtras: [(key: String, json: String)] {
    [(key: "noise_rng", json: TrainingCheckpoint.generatorField(noiseGenerator))]
      + ((architecture as? any CheckpointedArchitecture)?.checkpointFields ?? [])
  }

  /// Restores ``checkpointExtras``.
  public mutating func restoreCheckpointExtras(from fields: TrainingCheckpoint.Fields) throws(TrainingError) {
    noiseGenerator = try fields.generator("noise_rng")
    if let checkpointed = architecture as? any CheckpointedArchitecture { architecture = try checkpointed.restored(from: fields) }
  }
}
