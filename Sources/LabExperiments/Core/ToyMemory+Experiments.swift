/// The memory each registered experiment's toy asks for (``ToyMemory``): the sizes its fields set,
/// in one place so that a new experiment's sizes are stated beside the others'.

extension AbsorptionToy {
  /// SAEs and block-minimisation dictionaries on the largest sample set of the co-occurrence world.
  public func memory() -> ToyMemory {
    let samples = [trainingSamples, evaluationSamples, dictionarySamples, stationaritySamples].max() ?? 0
    let (f, m) = (world.featureCount, world.inputDimension)
    return ToyMemory(ToyMemory.fields([("trainingSamples", trainingSamples), ("evaluationSamples", evaluationSamples), ("dictionarySamples", dictionarySamples),
                                         ("stationaritySamples", stationaritySamples), ("world.hierarchies", world.hierarchies),
                                         ("world.independentFeatures", world.independentFeatures), ("world.inputDimension", m), ("sae.width", sae.width)]),
                     ToyMemory.saeTraining(samples: samples, features: f, dimension: m, width: sae.width, batch: sae.batchSize)
                       + ToyMemory.dictionaryLearning(samples: samples, dimension: m, atoms: f))
  }
}

extension ExclusiveToy {
  /// Data, codes and dictionaries of the largest exact, trained or counterexample data set.
  public func memory() -> ToyMemory {
    let counterexampleSamples = counterexamples.map { ToyMemory.sum($0.activityTypes.map(\.count)) }
    let samples = ([exact.sampleCount, trained.sampleCount] + counterexampleSamples).map { $0 ?? Int.max }.max() ?? 0
    let m = (dictionaries.map(\.atoms) + counterexamples.map(\.atoms)).map { $0.first?.count ?? 0 }.max() ?? 0
    let k = (dictionaries.map(\.atoms.count) + counterexamples.map(\.atoms.count)).max() ?? 0
    return ToyMemory(ToyMemory.fields([("exact.sampleCount", exact.sampleCount), ("trained.sampleCount", trained.sampleCount),
                                         ("counterexamples[].activityTypes[].count, summed", counterexampleSamples.map { $0.map(String.init) ?? "too many" }.joined(separator: ", ")),
                                         ("dictionaries[].atoms and counterexamples[].atoms, largest", "\(k) × \(m)")]),
                     ToyMemory.dictionaryLearning(samples: samples == Int.max ? nil : samples, dimension: m, atoms: k))
  }
}

extension FrontierToy {
  /// Shallow and deep TopK SAEs (a hidden encoder layer of width m, a hidden decoder layer) on the
  /// training and held-out samples.
  public func memory() -> ToyMemory {
    let samples = ToyMemory.sum([sampleCount, heldOutCount])
    let (f, m) = (world.featureCount, world.embedding.inputDimension)
    return ToyMemory(ToyMemory.fields([("sampleCount", sampleCount), ("heldOutCount", heldOutCount), ("world.featureCount", f), ("world.inputDimension", m),
                                         ("training.width", training.width), ("training.batchSize", training.batchSize),
                                         ("decoderHiddenWidth", decoderHiddenWidth)]),
                     ToyMemory.saeTraining(samples: samples, features: f, dimension: m, width: training.width, batch: training.batchSize)
                       + [ToyMemory.float64(copies: 8, decoderHiddenWidth, ToyMemory.sum([training.width, m, m])),
                          ToyMemory.float64(copies: 4, training.batchSize, decoderHiddenWidth)])
  }
}

extension HierarchyToy {
  /// Data and codes of the largest of the world, the mop-up and the absorption data sets (m ≤ 3, K ≤ 3).
  public func memory() -> ToyMemory {
    let samples = [world.sampleCount, ToyMemory.sum([mopUp.parentOnlyCount, mopUp.withChildCount]) ?? Int.max,
                   absorption.sampleCount].max() ?? 0
    return ToyMemory(ToyMemory.fields([("world.sampleCount", world.sampleCount), ("mopUp.parentOnlyCount", mopUp.parentOnlyCount),
                                         ("mopUp.withChildCount", mopUp.withChildCount), ("absorption.sampleCount", absorption.sampleCount)]),
                     ToyMemory.dictionaryLearning(samples: samples == Int.max ? nil : samples, dimension: 3, atoms: 3))
  }
}

extension IntuitiveToy {
  /// ReLU-L1 SAEs on the training and evaluation samples of the world.
  public func memory() -> ToyMemory {
    let (f, m) = (world.featureCount, world.embedding.inputDimension)
    return ToyMemory(ToyMemory.fields([("trainingSamples", trainingSamples), ("evaluationSamples", evaluationSamples), ("world.featureCount", f),
                                         ("world.inputDimension", m), ("training.width", training.width), ("training.batchSize", training.batchSize)]),
                     ToyMemory.saeTraining(samples: ToyMemory.sum([trainingSamples, evaluationSamples]), features: f, dimension: m,
                                           width: training.width, batch: training.batchSize))
  }
}

extension NSAEToy {
  /// The toy model of superposition (features × hidden dimension) and the SAEs on its hidden layer.
  public func memory() -> ToyMemory {
    let f = world.featureCount, h = toyModel.hiddenDimension
    return ToyMemory(ToyMemory.fields([("trainingSamples", trainingSamples), ("evaluationSamples", evaluationSamples), ("world.featureCount", f),
                                         ("toyModel.hiddenDimension", h), ("toyModel.batchSize", toyModel.batchSize), ("sae.width", sae.width),
                                         ("sae.batchSize", sae.batchSize)]),
                     ToyMemory.saeTraining(samples: ToyMemory.sum([trainingSamples, evaluationSamples]), features: f, dimension: h,
                                           width: sae.width, batch: sae.batchSize)
                       + [ToyMemory.float64(copies: 8, f, h), ToyMemory.float64(copies: 4, toyModel.batchSize, ToyMemory.sum([f, h]))])
  }
}

extension OneDToy {
  /// Data in three dimensions and the largest dictionary of the line, arc and transition parts.
  public func memory() -> ToyMemory {
    let samples = [line.sampleCount, arc.sampleCount, arc.formulaPoints, transition.gridCount].max() ?? 0
    let atoms = (arc.sizes + arc.optimisedSizes + [2]).max() ?? 2
    return ToyMemory(ToyMemory.fields([("line.sampleCount", line.sampleCount), ("arc.sampleCount", arc.sampleCount), ("arc.formulaPoints", arc.formulaPoints),
                                         ("transition.gridCount", transition.gridCount), ("arc.sizes and arc.optimisedSizes, largest", atoms)]),
                     ToyMemory.dictionaryLearning(samples: samples, dimension: 3, atoms: atoms))
  }
}

extension RealActivationsToy {
  /// Nothing here: the activations' size depends on the model's hidden size, and
  /// ``RealActivationsCorpus`` checks it once the model's configuration is read, before encoding.
  public func memory() -> ToyMemory { ToyMemory("the corpus", []) }
}

extension StarToy {
  /// The data set X = Z·D of the activity types, with its codes and dictionary.
  public func memory() -> ToyMemory {
    let samples = ToyMemory.sum(activityTypes.map(\.count))
    let m = atoms.first?.count ?? 0
    return ToyMemory(ToyMemory.fields([("activityTypes[].count, summed", samples.map(String.init) ?? "more than \(Int.max)"), ("atoms", "\(atoms.count) × \(m)")]),
                     ToyMemory.dictionaryLearning(samples: samples, dimension: m, atoms: atoms.count))
  }
}

extension SuppressionToy {
  /// SAEs on the training and evaluation samples and block-minimisation dictionaries on the dictionary samples.
  public func memory() -> ToyMemory {
    let samples = ToyMemory.sum([trainingSamples, evaluationSamples, dictionarySamples])
    let (f, m) = (world.featureCount, world.embedding.inputDimension)
    return ToyMemory(ToyMemory.fields([("trainingSamples", trainingSamples), ("evaluationSamples", evaluationSamples), ("dictionarySamples", dictionarySamples),
                                         ("world.featureCount", f), ("world.inputDimension", m), ("training.width", training.width),
                                         ("training.batchSize", training.batchSize)]),
                     ToyMemory.saeTraining(samples: samples, features: f, dimension: m, width: training.width, batch: training.batchSize)
                       + ToyMemory.dictionaryLearning(samples: dictionarySamples, dimension: m, atoms: f))
  }
}

extension SynthBenchToy {
  /// One SAE of the active configuration at a time: the world's directions, one generator batch's
  /// dense true codes (the training batch or an evaluation chunk, three copies), a chunk of streamed
  /// training samples in float32 (two copies), the SAE with gradients and Adam moments, one batch's
  /// forward and backward buffers, and the width × features cosines of the metrics' matching (two copies).
  public func memory() -> ToyMemory {
    let c = active, (f, m) = (c.world.featureCount, c.world.embedding.inputDimension)
    let rows = max(c.batchSize, SynthBenchExperiment.evaluationChunkRows)
    let chunk = min(c.trainingSamples, max(1, SynthBenchExperiment.chunkRows / max(1, c.batchSize)) * c.batchSize)
    return ToyMemory(ToyMemory.fields([("configurations.\(configuration).world.featureCount", f), ("configurations.\(configuration).world.inputDimension", m),
                                         ("configurations.\(configuration).width", c.width), ("configurations.\(configuration).batchSize", c.batchSize),
                                         ("configurations.\(configuration).trainingSamples", c.trainingSamples)]),
                     [ToyMemory.float64(copies: 3, f, m), ToyMemory.float64(copies: 3, rows, ToyMemory.sum([f, m])),
                      ToyMemory.Term(count: ToyMemory.product([chunk, m]), elementSize: 2 * 4), ToyMemory.float64(copies: 8, c.width, m),
                      ToyMemory.float64(copies: 4, rows, ToyMemory.sum([c.width, m])), ToyMemory.float64(copies: 2, c.width, f)])
  }
}

extension UniversalityToy {
  /// SAEs of width ratio · m on the world's samples, and two float32 random decoders of width
  /// `baselineDimension` × the largest ratio in `baselineDimension` dimensions.
  public func memory() -> ToyMemory {
    let (f, m) = (world.featureCount, world.embedding.inputDimension), ratio = ratios.max() ?? 1
    let randomWidth = ToyMemory.product([baselineDimension, ratio])
    return ToyMemory(ToyMemory.fields([("trainingSamples", trainingSamples), ("evaluationSamples", evaluationSamples), ("world.featureCount", f),
                                         ("world.inputDimension", m), ("ratios, largest", ratio), ("training.batchSize", training.batchSize),
                                         ("baselineDimension", baselineDimension)]),
                     ToyMemory.saeTraining(samples: ToyMemory.sum([trainingSamples, evaluationSamples]), features: f, dimension: m,
                                           width: ToyMemory.product([ratio, m]) ?? Int.max, batch: training.batchSize)
                       + [ToyMemory.Term(count: ToyMemory.product([randomWidth, baselineDimension]), elementSize: 2 * 4)])
  }
}

extension WideLimitToy {
  /// Data and dictionaries of the largest of the rays, nets and splitting parts.
  public func memory() -> ToyMemory {
    let samples = [rays.sampleCount, nets.sampleCount, ToyMemory.product([splitting.rays, splitting.pointsPerRay]) ?? Int.max].max() ?? 0
    let atoms = (nets.sizes + [splitting.maxAtoms, splitting.rays]).max() ?? 0
    let m = rays.offset.count
    return ToyMemory(ToyMemory.fields([("rays.sampleCount", rays.sampleCount), ("nets.sampleCount", nets.sampleCount), ("splitting.rays", splitting.rays),
                                         ("splitting.pointsPerRay", splitting.pointsPerRay), ("rays.offset, its length", m),
                                         ("nets.sizes and splitting.maxAtoms, largest", atoms)]),
                     ToyMemory.dictionaryLearning(samples: samples == Int.max ? nil : samples, dimension: max(m, 3), atoms: atoms))
  }
}
