import Foundation
import LabFormats
import LabNumerics
import LabRandom
import LabTransformer

/// The activations the real-activations experiment trains and scores its SAEs on: a seeded choice
/// of documents of the corpus, encoded by the model, and scaled so that the training rows' mean
/// norm is √d (SAELens's `expected_average_only_in` normalisation, so that one L1 coefficient
/// means the same at every layer). A function of the toy and the files alone.
struct RealActivationsCorpus {
  /// What the record keeps about the activations.
  struct Summary: Codable, Sendable, Equatable {
    /// Lines of the corpus file.
    var corpusLines: Int
    /// Tokens (rows) of the training and the held-out documents.
    var trainingTokens: Int, heldOutTokens: Int
    /// The hidden size d.
    var dimension: Int
    /// Mean ‖x‖ of the training rows before scaling, and the scale applied to every row.
    var meanNorm: Double, scale: Double
    /// The 0-based line numbers of the first few training and held-out documents (to identify the choice).
    var firstTrainingLines: [Int], firstHeldOutLines: [Int]
  }

  /// Training rows (tokens × d), scaled.
  var training: Matrix<Float>
  /// Held-out rows, scaled alike.
  var heldOut: Matrix<Float>
  var summary: Summary

  /// The folder `scripts/fetch-minilm.sh` fills: `$SPARSELAB_CACHE/minilm`, else `~/.cache/sparselab/minilm`.
  static var cacheFolder: String {
    (ProcessInfo.processInfo.environment["SPARSELAB_CACHE"] ?? NSHomeDirectory() + "/.cache/sparselab") + "/minilm"
  }

  /// The model folder and the text file of `toy` (its paths, else the cache's).
  static func paths(_ toy: RealActivationsToy) -> (model: String, text: String) {
    (toy.corpus.model ?? cacheFolder + "/model", toy.corpus.text ?? cacheFolder + "/wordnet-glosses.txt")
  }

  /// Tokens encoded at once.
  static let tokensPerBatch = 4096

  /// Reads the model and the corpus and encodes the chosen documents; a missing or bad model
  /// folder or text file throws a ``ToyFileError`` naming it (and the fetch script when missing).
  init(_ toy: RealActivationsToy, progress: (String) -> Void) throws {
    let (modelPath, textPath) = Self.paths(toy)
    let fetch = "scripts/fetch-minilm.sh fetches all-MiniLM-L6-v2 and the WordNet glosses into \(Self.cacheFolder)"
    let folder: BertModelFolder
    do { folder = try BertModelFolder(path: modelPath) } catch {
      throw ToyFileError(path: modelPath, "model folder unusable: \(error)\(error.message == "does not exist" ? " (\(fetch))" : "")")
    }
    let configuration = folder.encoder.configuration
    guard toy.corpus.layer <= configuration.layerCount else {
      throw ToyFileError(path: modelPath, "field 'corpus.layer' is \(toy.corpus.layer), but the model has \(configuration.layerCount) layers")
    }
    guard toy.corpus.sequenceLength <= configuration.maximumPositions else {
      throw ToyFileError(path: modelPath, "field 'corpus.sequenceLength' is \(toy.corpus.sequenceLength), above the model's \(configuration.maximumPositions) positions")
    }
    let frontierWidth = toy.suppressionRatio * configuration.hiddenSize
    guard toy.ks.allSatisfy({ $0 <= frontierWidth }) else {
      throw ToyFileError(path: modelPath, "field 'ks' is \(toy.ks), but the frontier SAEs of this model have \(frontierWidth) latents (suppressionRatio × d)")
    }
    guard FileManager.default.fileExists(atPath: textPath) else { throw ToyFileError(path: textPath, "does not exist (\(fetch))") }

    progress("choosing documents of \(textPath)")
    var lines = 0
    do { try TextLines.forEach(inFile: textPath) { _, _ in lines += 1; return true } } catch { throw ToyFileError(path: textPath, "\(error)") }
    let wanted = toy.corpus.trainingDocuments + toy.corpus.heldOutDocuments
    guard wanted <= lines else {
      throw ToyFileError(path: textPath, "has \(lines) lines, fewer than corpus.trainingDocuments + corpus.heldOutDocuments = \(wanted)")
    }
    // Sizes before encoding (issue 20): at most sequenceLength tokens per document, float32 activations
    // (three copies: encoded, scaled, batched) and the widest SAE's float32 weights with gradients and Adam moments.
    let d = configuration.hiddenSize, widest = ToyMemory.product([max(toy.ratios.max() ?? 1, toy.suppressionRatio), d])
    let tokens = ToyMemory.product([wanted, toy.corpus.sequenceLength])
    let need = ToyMemory("\(wanted) documents of up to \(toy.corpus.sequenceLength) tokens in d = \(d), SAEs of \(widest.map(String.init) ?? "too many") latents",
                         [ToyMemory.Term(count: ToyMemory.product([tokens, d]), elementSize: 3 * 4),
                          ToyMemory.Term(count: ToyMemory.product([widest, d]), elementSize: 8 * 4)])
    if let problem = need.problem() { throw ToyFileError(path: textPath, problem) }
    let chosen = Self.choose(wanted, of: lines, seed: SeedTree(root: toy.seed).seed(for: "corpus"))
    let trainingLines = Array(chosen.prefix(toy.corpus.trainingDocuments)), heldOutLines = Array(chosen.suffix(toy.corpus.heldOutDocuments))
    var text: [Int: String] = [:]
    let lookup = Set(chosen)
    do {
      try TextLines.forEach(inFile: textPath) { number, line in
        if lookup.contains(number) { text[number] = line }
        return true
      }
    } catch { throw ToyFileError(path: textPath, "\(error)") }

    progress("encoding \(wanted) documents (layer \(toy.corpus.layer))")
    func encode(_ numbers: [Int]) -> Matrix<Float> {
      let sequences = numbers.map { folder.tokenizer.sequence(text[$0]!, length: toy.corpus.sequenceLength) }.filter { $0.count > 2 }
      var rows: [Float] = []
      var start = 0
      while start < sequences.count {
        var end = start, tokens = 0
        while end < sequences.count && (end == start || tokens + sequences[end].count <= Self.tokensPerBatch) { tokens += sequences[end].count; end += 1 }
        let batch = Array(sequences[start..<end])
        for (sequence, state) in zip(batch, folder.encoder.hiddenStates(batch, afterLayer: toy.corpus.layer)) {
          rows += state[configuration.hiddenSize..<((sequence.count - 1) * configuration.hiddenSize)]  // without [CLS] and [SEP]
        }
        start = end
      }
      return Matrix(rows: rows.count / configuration.hiddenSize, columns: configuration.hiddenSize, storage: rows)
    }
    var training = encode(trainingLines), heldOut = encode(heldOutLines)
    guard training.rows >= toy.training.batchSize && heldOut.rows >= 2 else {
      throw ToyFileError(path: textPath, "the chosen documents give \(training.rows) training and \(heldOut.rows) held-out tokens; "
        + "'training.batchSize' (\(toy.training.batchSize)) needs at least as many training tokens and the scores at least 2 held-out")
    }
    let meanNorm = (0..<training.rows).reduce(0.0) { total, r in
      total + Double(training.storage[(r * d)..<((r + 1) * d)].reduce(Float(0)) { $0 + $1 * $1 }).squareRoot()
    } / Double(max(1, training.rows))
    let scale = Double(d).squareRoot() / meanNorm
    training.storage = training.storage.map { Float(Double($0) * scale) }
    heldOut.storage = heldOut.storage.map { Float(Double($0) * scale) }
    self.training = training
    self.heldOut = heldOut
    summary = Summary(corpusLines: lines, trainingTokens: training.rows, heldOutTokens: heldOut.rows, dimension: d, meanNorm: meanNorm,
                      scale: scale, firstTrainingLines: Array(trainingLines.prefix(5)), firstHeldOutLines: Array(heldOutLines.prefix(5)))
  }

  /// `count` distinct numbers of 0..<total in a seeded random order (a partial Fisher–Yates shuffle).
  static func choose(_ count: Int, of total: Int, seed: UInt64) -> [Int] {
    var generator = Xoshiro256StarStar(seed: seed)
    var swapped: [Int: Int] = [:], chosen: [Int] = []
    for i in 0..<count {
      let j = i + generator.nextInt(below: total - i)
      let a = swapped[i] ?? i, b = swapped[j] ?? j
      swapped[j] = a
      chosen.append(b)
    }
    return chosen
  }
}
