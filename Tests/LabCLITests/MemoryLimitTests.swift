import Foundation
import LabExperiments
import LabTestSupport
import Testing

/// Issue 20, class 1: sizes are checked against the machine's available memory before anything
/// is allocated. Every case asks for terabytes (options, a toy, or a valid `.npy` file whose data is
/// a sparse file that takes no disk space), so nothing is ever allocated here: a command that
/// allocated first would abort, not exit 2.
@Suite("Sizes are checked before allocating")
struct MemoryLimitTests {
  /// A small world for the data options, and the scratch directory.
  static func world() throws -> URL {
    let directory = try Scratch.directory()
    let result = try LabExecutable.run(["generate", "tree", "--samples", "40", "--precision", "float64", "--out", "w"], in: directory)
    #expect(result.status == 0, "\(result.stderr)")
    return directory
  }

  /// Expects exit 2 with one line saying what needs how much memory, and no output created.
  static func expectTooBig(_ arguments: [String], naming: String, in directory: URL) throws {
    let before = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    let result = try LabExecutable.run(arguments, in: directory)
    #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
    #expect(result.stderr.contains(naming) && result.stderr.contains("of memory; the machine has") && result.stderr.contains("available"),
            "\(arguments): \(result.stderr)")
    #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == before, "\(arguments) wrote something")
  }

  static let train = ["train", "--data", "w/X.npy", "--batch", "8", "--steps", "2", "--lr", "0.01", "--out", "sae"]

  /// Options that ask for more memory than any machine has.
  static let hugeOptions: [(arguments: [String], naming: String)] = [
    (["learn", "--data", "w/X.npy", "--atoms", "1000000000", "--lambda", "0.1", "--out", "learned"], "'--atoms' 1000000000"),
    (["learn", "--data", "w/X.npy", "--atoms", "\(Int.max)", "--lambda", "0.1", "--out", "learned"], "'--atoms'"),
    (train + ["--arch", "topk", "--k", "2", "--width", "100000000000"], "'--width'"),
    (train + ["--arch", "relu-l1", "--l1", "0.1", "--width", "\(Int.max / 2)"], "'--width'"),
    (train + ["--arch", "deep", "--k", "2", "--width", "8", "--hidden-layers", "100000000000,12"], "'--hidden-layers'"),
    (train + ["--arch", "deep", "--k", "2", "--width", "8", "--decoder-layers", "100000000000"], "'--decoder-layers'"),
  ]

  @Test("Options asking for terabytes are refused with the memory they need", arguments: hugeOptions)
  func hugeOption(_ arguments: [String], _ naming: String) throws {
    try Self.expectTooBig(arguments, naming: naming, in: try Self.world())
  }

  @Test("A world toy whose features × dimension passes validation but not memory is refused")
  func hugeWorld() throws {
    let directory = try Self.world()
    let json = try #require(EmbeddedWorldToys.json(named: "independent"))
    var toy = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    var world = try #require(toy["world"] as? [String: Any])
    world["featureCount"] = 1_000_000
    world["inputDimension"] = 100_000
    world["directions"] = ["kind": "random"]
    toy["world"] = world
    try JSONSerialization.data(withJSONObject: toy).write(to: directory.appendingPathComponent("huge.json"))
    try Self.expectTooBig(["generate", "huge.json", "--out", "g"], naming: "a world of 1000000 features in dimension 100000", in: directory)
  }

  /// Writes a valid float64 `.npy` of shape rows × columns whose data is a hole (sparse file).
  static func sparseArray(_ path: URL, rows: Int, columns: Int) throws {
    var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
    header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
    var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)])
    bytes.append(Data(header.utf8))
    try bytes.write(to: path)
    let handle = try FileHandle(forWritingTo: path)
    try handle.truncate(atOffset: UInt64(bytes.count + rows * columns * 8))
    try handle.close()
  }

  /// lab encode streams X instead (EncodeStreamTests).
  @Test("A valid .npy of 800 GB is refused by every reader before its values are allocated",
        arguments: ["learn", "train", "check"])
  func hugeFile(_ command: String) throws {
    let directory = try Self.world()
    try Self.sparseArray(directory.appendingPathComponent("big.npy"), rows: 10_000_000, columns: 10_000)
    let arguments: [String] = switch command {
    case "learn": ["learn", "--data", "big.npy", "--atoms", "2", "--lambda", "0.1", "--out", "learned"]
    case "train": ["train", "--data", "big.npy", "--arch", "topk", "--k", "1", "--width", "4", "--batch", "4", "--steps", "1", "--lr", "0.1",
                   "--out", "sae"]
    default: ["check", "--data", "big.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.1"]
    }
    try Self.expectTooBig(arguments, naming: "big.npy: reading shape (10000000, 10000) as float64 needs about 800 GB", in: directory)
  }
}
