extension Train {
  /// The training library's parameter names and the options of `lab train` that set them.
  static let flags: FlagNames = [
    "width": "--width", "batchSize": "--batch", "steps": "--steps", "learningRate": "--lr", "l1WarmupSteps": "--l1-warmup",
    "gradientClipNorm": "--clip", "resampleInterval": "--resample-every", "deadWindow": "--dead-window", "auxK": "--aux-k",
    "auxCoefficient": "--aux-coefficient", "batchBlocks": "--threads", "k": "--k", "encoderHidden": "--hidden-layers",
    "decoderHidden": "--decoder-layers", "inputScale": "--input-scale", "weightDecay": "--weight-decay",
  ]
}
