import LabNumerics

/// An SAE evaluated on samples of a synthetic world the way SynthSAEBench evaluates it: the SAE as
/// saved (its inference encoder), batch by batch, giving ``SynthBenchMetrics`` and the
/// ``HierarchyAbsorption`` of the world's hierarchy.
public struct SynthBenchEvaluation: Sendable {
  /// SynthSAEBench's metrics.
  public var metrics: SynthBenchMetrics
  /// The absorption counts of every hierarchy edge.
  public var absorption: HierarchyAbsorption
  /// For each true feature, the number of latents whose best-|cos| feature it is.
  public var latentsPerFeature: [Int]

  /// Evaluates `autoencoder` against the true features (K×m rows) and hierarchy `parents` (K
  /// entries) on the batches `next` returns (inputs N×m in float32 and true codes N×K) until it
  /// returns nil; at least one sample is needed.
  public static func evaluate(_ autoencoder: SparseAutoencoder<Float>, truth: Matrix<Double>, parents: [Int?],
                              next: () throws -> (inputs: Matrix<Float>, trueCodes: Matrix<Double>)?) rethrows -> SynthBenchEvaluation {
    precondition(autoencoder.parameters.inputDimension == truth.columns && parents.count == truth.rows,
                 "The SAE, the true features and the hierarchy do not fit each other.")
    var metrics = SynthBenchAccumulator(decoder: autoencoder.parameters.decoderWeights, truth: truth)
    var absorption = HierarchyAbsorption(parents: parents, matching: metrics.matching)
    while let batch = try next() {
      let codes = autoencoder.encode(batch.inputs)
      metrics.add(inputs: batch.inputs, codes: codes, reconstructions: autoencoder.decode(codes), trueCodes: batch.trueCodes)
      absorption.add(codes: codes, trueCodes: batch.trueCodes)
    }
    return SynthBenchEvaluation(metrics: metrics.metrics, absorption: absorption, latentsPerFeature: metrics.matching.latentsPerFeature)
  }
}
