extension Train {
  /// The training library's parameter names and the options of `lab train` that set them.
  static let flags: FlagNames = [
    "width": "--width", "batchSize": "--batch", "steps": "--steps", "learningRate": "--lr", "l1WarmupSteps": "--l1-warmup",
    "gradientClipNorm": "--clip", "resampleInterval": "--resample-every", "deadWindow": "--dead-window", "auxK": "--aux-k",
    "auxCoefficient": "--aux-coefficient", "batchBlocks": "--threads", "k": "--k", "encoderHidden": "--hidden-layers",
    "decoderHidden": "--decoder-layers", "inputScale": "--input-scale", "weightDecay": "--weight-decay",
    // ArchitectureOptions' fields, for the architecture registry's errors in the same format.
    "l1": "--l1", "alpha": "--alpha", "noiseSigma": "--noise-sigma", "hiddenLayers": "--hidden-layers",
    "decoderLayers": "--decoder-layers", "prefixes": "--prefixes",
  ]
}
