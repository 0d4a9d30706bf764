import Foundation

/// The declarative description of the real-activations experiment (`toys/real-activations.json`):
/// the seed claims of universality (seeds/002), the deep-SAE frontier (seeds/000) and the
/// normalised SAE (seeds/004), and the first-order stationarity of trained SAEs (seeds/003, THEORY
/// §9), measured on the hidden states of a real language model (all-MiniLM-L6-v2) instead of a world.
///
/// A fixed, seeded choice of documents (lines of the corpus) is encoded once: the training
/// documents' tokens train every SAE, the held-out documents' tokens score them. Every SAE is
/// trained `replicates` times with independent training seeds, and each finding is decided over
/// the replicates (``SourceFinding``).
public struct RealActivationsToy: ExperimentToy {
  /// Where the activations come from.
  public struct Corpus: Codable, Equatable, Sendable {
    /// The model folder (`config.json`, `vocab.txt`, `model.safetensors`); null for the cache
    /// `scripts/fetch-minilm.sh` fills: `$SPARSELAB_CACHE/minilm/model`, by default
    /// `~/.cache/sparselab/minilm/model`.
    public var model: String?
    /// The text, one document per line; null for `wordnet-glosses.txt` beside the cached model.
    public var text: String?
    /// The hidden states after this layer (0 = embeddings, 6 = last for MiniLM).
    public var layer: Int
    /// Tokens per document, [CLS] and [SEP] included.
    public var sequenceLength: Int
    /// Documents whose tokens train the SAEs.
    public var trainingDocuments: Int
    /// Other documents whose tokens score them.
    public var heldOutDocuments: Int

    private enum Field: String, CodingKey { case model, text, layer, sequenceLength, trainingDocuments, heldOutDocuments }

    /// Writes `model` and `text` as null when unset, so that a toy file may name them.
    public func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: Field.self)
      try container.encode(model, forKey: .model)
      try container.encode(text, forKey: .text)
      try container.encode(layer, forKey: .layer)
      try container.encode(sequenceLength, forKey: .sequenceLength)
      try container.encode(trainingDocuments, forKey: .trainingDocuments)
      try container.encode(heldOutDocuments, forKey: .heldOutDocuments)
    }
  }

  /// The training every SAE shares.
  public struct Training: Codable, Equatable, Sendable {
    public var batchSize: Int
    public var steps: Int
    public var learningRate: Double
  }

  public var id: String
  /// Registered experiment kind; `real-activations`.
  public var kind: String
  public var title: String
  public var claim: String
  public var seed: UInt64
  public var corpus: Corpus
  /// Independent training seeds per SAE (each finding is decided over them).
  public var replicates: Int
  /// Widths of the ReLU-L1 SAEs as multiples of the hidden size d (universality's sizes).
  public var ratios: [Int]
  /// The SAELens L1 coefficient of the ReLU-L1 SAEs (λ = c/2 for the stationarity checks).
  public var l1: Double
  /// The ratio of the suppression comparison (its ReLU-L1 SAE is the baseline of the NSAE).
  public var suppressionRatio: Int
  /// The NSAE's α and training noise σ.
  public var nsaeAlpha: Double, nsaeNoise: Double
  /// The TopK sparsities of the frontier; the frontier SAEs have `suppressionRatio`·d latents.
  public var ks: [Int]
  /// Held-out rows on which the stationarity checks run.
  public var stationarityRows: Int
  public var training: Training

  public static let `default` = RealActivationsToy(
    id: "real-activations", kind: "real-activations",
    title: "The seed claims on a real model: SAEs on all-MiniLM-L6-v2 activations",
    claim: "The source studies' claims, made on language-model activations, tested on the hidden states of all-MiniLM-L6-v2 (BERT, 6 layers, d = 384) on WordNet glosses: decoders of SAEs trained from different seeds and at different sizes agree far above random decoders of the same size in d = 384, agreement is lower at 1× and the larger SAE's latents fire less often (seeds/002); a deep encoder improves the L0–MSE frontier on held-out activations (seeds/000); an L1 SAE's reconstructions are shorter than its inputs while the normalised SAE's are not, its L0 follows the input norm and the NSAE's less so, at a slightly higher reconstruction error (seeds/004); and trained SAEs sit at a measurable distance from a first-order optimum of the dictionary problem their loss maps to (seeds/003, THEORY §9).",
    seed: 20_261_206,
    corpus: Corpus(model: nil, text: nil, layer: 3, sequenceLength: 64, trainingDocuments: 2000, heldOutDocuments: 500),
    replicates: 5, ratios: [1, 2], l1: 2, suppressionRatio: 2, nsaeAlpha: 0.004, nsaeNoise: 0.1, ks: [32],
    stationarityRows: 128, training: Training(batchSize: 128, steps: 600, learningRate: 1e-3))

  public func problems() -> [String] {
    var check = ToyProblems()
    var found: [String] = []
    if kind != "real-activations" { found.append("'kind' must be \"real-activations\", got \"\(kind)\"") }
    for (name, path) in [("corpus.model", corpus.model), ("corpus.text", corpus.text)] where path?.isEmpty == true {
      found.append("'\(name)' must be null or a path, got \"\"")
    }
    check.count("corpus.layer", corpus.layer, 0...64)
    check.count("corpus.sequenceLength", corpus.sequenceLength, 3...512)
    check.count("corpus.trainingDocuments", corpus.trainingDocuments, 10...1_000_000)
    check.count("corpus.heldOutDocuments", corpus.heldOutDocuments, 10...1_000_000)
    check.count("replicates", replicates, 5...32)
    if ratios.isEmpty || ratios != ratios.sorted() || Set(ratios).count != ratios.count || !ratios.allSatisfy({ (1...16).contains($0) }) {
      found.append("'ratios' must be distinct increasing integers in 1...16, got \(ratios)")
    }
    if !ratios.contains(suppressionRatio) { found.append("'suppressionRatio' must be one of 'ratios' \(ratios), got \(suppressionRatio)") }
    check.positive("l1", l1)
    check.positive("nsaeAlpha", nsaeAlpha)
    if !(nsaeNoise.isFinite && nsaeNoise >= 0) { found.append("'nsaeNoise' must be a finite number ≥ 0, got \(nsaeNoise)") }
    if ks.isEmpty || ks != ks.sorted() || Set(ks).count != ks.count || !ks.allSatisfy({ (1...256).contains($0) }) {
      found.append("'ks' must be distinct increasing integers in 1...256, got \(ks)")
    }
    check.count("stationarityRows", stationarityRows, 2...4096)
    check.count("training.batchSize", training.batchSize, 1...65_536)
    check.count("training.steps", training.steps, 1...1_000_000)
    if !(training.learningRate.isFinite && training.learningRate > 0 && training.learningRate < 1) {
      found.append("'training.learningRate' must be in (0, 1), got \(training.learningRate)")
    }
    return check.found + found
  }

  /// `--quick`: fewer documents, steps and stationarity rows; the same replicates, sizes and
  /// claims (for CI: about two minutes on two shared cores; its SAEs are far from a plateau).
  public func quick() -> RealActivationsToy {
    var toy = self
    toy.corpus.trainingDocuments = min(corpus.trainingDocuments, 400)
    toy.corpus.heldOutDocuments = min(corpus.heldOutDocuments, 150)
    toy.training.steps = min(training.steps, 100)
    toy.stationarityRows = min(stationarityRows, 64)
    return toy
  }
}
