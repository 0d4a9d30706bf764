import LabExperiments
import LabFormats
import LabGenerators
import LabNumerics

/// What `lab generate` is about to write and hold, checked against the free disk and the available
/// memory before any sample is drawn: an output the machine cannot hold is refused with exit code 2
/// and one line naming the size and the free amount, instead of filling the disk half-way.
struct GenerateRoom {
  /// The output files and their sizes in bytes (nil: more than `Int` holds).
  var files: [(name: String, bytes: Int?)]
  /// The bytes held in memory at once (nil: more than `Int` holds).
  var memory: Int?
  /// Whether the codes' size is an estimate (sparse codes: from the first batch's non-zeros).
  var estimated: Bool
  /// The number of samples.
  var count: Int

  /// The free bytes of the file system that will hold a path (nil when unknown: not checked).
  typealias FreeDisk = (String) -> Int?

  /// The room for `count` samples of a world of `features` features in dimension `dimension`,
  /// stored as `precision`, with the codes in `codes` (none when nil), `entriesPerSample` non-zero
  /// codes per sample on average (used for sparse codes), drawn `batchSize` rows at a time;
  /// `groundTruth` adds the dictionary and bias files a toy writes.
  init(count: Int, features: Int, dimension: Int, precision: NumPyArray.ElementType, codes: CodesFormat?, entriesPerSample: Double,
       batchSize: Int, groundTruth: Bool) {
    let element = precision == .float32 ? 4 : 8, header = 128
    let add = { (a: Int?, b: Int?) -> Int? in MemoryBudget.bytes([(a, 1), (b, 1)]) }
    var files: [(name: String, bytes: Int?)] = [(WorldExport.samplesFile, add(MemoryBudget.product(count, dimension, element), header))]
    // The batch being drawn: its float64 codes and samples, and their rounded copies being written.
    var memory = MemoryBudget.bytes([(MemoryBudget.product(batchSize, features), 2 * 8), (MemoryBudget.product(batchSize, dimension), 2 * 8)])
    switch codes {
    case .dense?:
      files.append((WorldExport.codesFile(.dense), add(MemoryBudget.product(count, features, element), header)))
    case .sparse?:
      let entries = entriesPerSample * Double(count)
      let bytes = entries < Double(Int.max / 16) ? CompressedSparseRows.encodedSize(rows: count, storedEntries: Int(entries.rounded(.up))) : nil
      files.append((WorldExport.codesFile(.sparse), bytes))
      // The CSR arrays (12 bytes per entry, 8 per row) and the .npz built from them, both in memory.
      memory = add(memory, bytes.flatMap { MemoryBudget.bytes([($0, 2)]) })
    case nil:
      break
    }
    if groundTruth {
      files.append(("dictionary.npy", add(MemoryBudget.product(features, dimension, element), header)))
      files.append(("bias.npy", dimension * element + header))
    }
    self.files = files
    self.memory = memory
    self.estimated = codes == .sparse
    self.count = count
  }

  /// The bytes of every file (nil: more than `Int` holds).
  var diskBytes: Int? { MemoryBudget.bytes(files.map { ($0.bytes, 1) }) }

  /// Nil when the files fit in the free space of `directory`'s file system (the output of `option`)
  /// and what is held fits in `availableMemory`; else one sentence saying what needs how much and
  /// how much is free.
  func problem(option: String, directory: String, freeDisk: FreeDisk = FileSystemSpace.availableBytes(near:),
               availableMemory: Int = MemoryBudget.availableBytes()) -> String? {
    let listed = files.map { file in
      let about = estimated && file.name == WorldExport.codesFile(.sparse) ? "about " : ""
      return "\(file.name) \(file.bytes.map { about + MemoryBudget.describe($0) } ?? "more than \(MemoryBudget.describe(Int.max))")"
    }
    if let free = freeDisk(directory), diskBytes.map({ $0 > free }) ?? true {
      let total = diskBytes.map { "about " + MemoryBudget.describe($0) } ?? "more than \(MemoryBudget.describe(Int.max))"
      return "'\(option)' \(directory): the output needs \(total) on disk (\(listed.joined(separator: ", "))) but its file system has "
        + "\(MemoryBudget.describe(free)) free; ask for fewer '--samples', or '--codes sparse' or '--codes none'"
    }
    return MemoryBudget.problem("'\(option)' \(directory): generating \(count) samples (\(listed.joined(separator: ", ")))",
                                needs: memory, available: availableMemory)
  }

  /// The mean number of non-zero codes per sample in the first batch of a copy of `generator`
  /// (the generator itself is left as it is, so the samples written do not change).
  static func entriesPerSample(_ generator: WorldGenerator, count: Int) -> Double {
    var probe = generator
    let rows = max(1, min(count, generator.batchSize))
    let codes = probe.next(rows).codes
    return Double(codes.storage.reduce(0) { $1 != 0 ? $0 + 1 : $0 }) / Double(rows)
  }
}
