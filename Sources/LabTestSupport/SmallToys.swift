import LabExperiments

/// Small versions of experiment toys, shared by the experiment tests and the end-to-end runs of `lab`.
public enum SmallToys {
  /// The suppression toy with few samples, steps and dictionary-learning iterations.
  public static var suppression: SuppressionToy {
    var toy = SuppressionToy.default
    toy.trainingSamples = 256
    toy.evaluationSamples = 128
    toy.dictionarySamples = 64
    toy.training.width = 20
    toy.training.steps = 50
    toy.training.batchSize = 32
    toy.dictionaryLearning.maxIterations = 10
    toy.normBins = 4
    return toy
  }

  /// The NSAE toy with few samples, scales and steps.
  public static var nsae: NSAEToy {
    var toy = NSAEToy.default
    toy.trainingSamples = 1024
    toy.evaluationSamples = 128
    toy.scales = [0.5, 2, 8]
    toy.toyModel.steps = 150
    toy.toyModel.batchSize = 128
    toy.sae.width = 12
    toy.sae.steps = 80
    toy.sae.batchSize = 64
    toy.sae.sweepFactors = [0.5, 2]
    return toy
  }
}
