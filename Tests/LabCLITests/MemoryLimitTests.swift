import Foundation
import LabExperiments
import LabFormats
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

  /// For every experiment, a size field of its toy set to a value its validation accepts but no
  /// machine holds (a JSON path into the toy and the value).
  static let hugeToys: [(id: String, field: [String], value: Int)] = [
    ("star", ["atoms"], 0), ("exclusive", ["dictionaries"], 0),
    ("universality", ["world"], 0), ("suppression", ["world"], 0), ("nsae", ["world"], 0), ("intuitive", ["trainingSamples"], 1_000_000),
    ("frontier", ["decoderHiddenWidth"], 100_000),
  ]

  /// The default toy of `id` with its size field made huge.
  static func hugeToy(_ id: String, _ field: [String], _ value: Int) throws -> Data {
    let entry = try #require(ExperimentRegistry.all.first { $0.id == id })
    var toy = try #require(try JSONSerialization.jsonObject(with: entry.resolvedToy(nil, nil, false)) as? [String: Any])
    switch id {
    case "star":
      // Atoms of dimension 10⁵ (unit vectors) and 10⁵ points per activity type.
      let atoms = toy["atoms"] as? [[Double]] ?? []
      toy["atoms"] = atoms.indices.map { k in (0..<100_000).map { $0 == k ? 1.0 : 0 } }
      toy["activityTypes"] = (toy["activityTypes"] as? [[String: Any]] ?? []).map { var type = $0; type["count"] = 100_000; return type }
    case "exclusive":
      var dictionaries = toy["dictionaries"] as? [[String: Any]] ?? []
      dictionaries[0]["atoms"] = (0..<3).map { k in (0..<150_000).map { $0 == k ? 1.0 : 0 } }
      toy["dictionaries"] = dictionaries
      var exact = toy["exact"] as? [String: Any] ?? [:]
      exact["sampleCount"] = 100_000
      toy["exact"] = exact
    case "universality", "suppression", "nsae":
      // A world of 10⁶ features in 10⁵ dimensions, as `lab generate` refuses it.
      var world = toy["world"] as? [String: Any] ?? [:]
      world["featureCount"] = 1_000_000
      world["inputDimension"] = 100_000
      world["directions"] = ["kind": "random"]
      toy["world"] = world
    default:
      var training = toy["training"] as? [String: Any] ?? [:]
      training["width"] = 100_000
      toy["training"] = training
      func set(_ object: [String: Any], _ path: ArraySlice<String>) -> [String: Any] {
        var object = object
        guard let key = path.first else { return object }
        object[key] = path.count == 1 ? value : set(object[key] as? [String: Any] ?? [:], path.dropFirst())
        return object
      }
      toy = set(toy, field[...])
    }
    return try JSONSerialization.data(withJSONObject: toy)
  }

  @Test("An experiment toy whose sizes pass validation but not memory is refused before the run, with the memory it needs",
        arguments: hugeToys.map(\.id))
  func hugeExperimentToy(_ id: String) throws {
    let (_, field, value) = try #require(Self.hugeToys.first { $0.id == id })
    let directory = try Scratch.directory()
    try Self.hugeToy(id, field, value).write(to: directory.appendingPathComponent("huge.json"))
    try Self.expectTooBig(["run", id, "--toy", "huge.json", "--out", "reports", "--quiet"], naming: "huge.json: ", in: directory)
  }

  @Test("A field whose range depends on another field is refused, not trapped, when that field is out of range")
  func dependentRanges() throws {
    for (id, section, field, value) in [("intuitive", "world", "featureCount", 1_000_000), ("absorption", "", "evaluationSamples", 0)] {
      let entry = try #require(ExperimentRegistry.all.first { $0.id == id })
      var toy = try #require(try JSONSerialization.jsonObject(with: entry.resolvedToy(nil, nil, false)) as? [String: Any])
      if section.isEmpty {
        toy[field] = value
      } else {
        var inner = toy[section] as? [String: Any] ?? [:]
        inner[field] = value
        toy[section] = inner
      }
      let directory = try Scratch.directory()
      try JSONSerialization.data(withJSONObject: toy).write(to: directory.appendingPathComponent("toy.json"))
      let result = try LabExecutable.run(["run", id, "--toy", "toy.json", "--out", "reports", "--quiet"], in: directory)
      #expect(result.status == 2 && result.stderr.contains("toy.json: ") && result.stderr.filter { $0 == "\n" }.count == 1,
              "\(id): \(result.status) \(result.stderr)")
    }
  }

  @Test("Every experiment's default toy fits in 2 GB by its own estimate (the estimate refuses no ordinary run)")
  func defaultsFit() throws {
    for entry in ExperimentRegistry.all {
      let toy = try JSONSerialization.jsonObject(with: entry.resolvedToy(nil, nil, false))
      #expect(toy is [String: Any], "\(entry.id)")
    }
    let needs: [(String, ToyMemory)] = [
      ("absorption", AbsorptionToy.default.memory()), ("exclusive", ExclusiveToy.default.memory()), ("frontier", FrontierToy.default.memory()),
      ("hierarchy", HierarchyToy.default.memory()), ("intuitive", IntuitiveToy.default.memory()), ("nsae", NSAEToy.default.memory()),
      ("one-d", OneDToy.default.memory()), ("star", StarToy.default.memory()), ("suppression", SuppressionToy.default.memory()),
      ("synth-bench", SynthBenchToy.default.memory()), ("universality", UniversalityToy.default.memory()),
      ("wide-limit", WideLimitToy.default.memory()),
    ]
    for (id, need) in needs { #expect(need.problem(available: 2_000_000_000) == nil, "\(id): \(need.problem(available: 2_000_000_000) ?? "")") }
  }

  @Test("Toys at their fields' limits whose need depends on the machine are measured: more than 4 GB, so a small machine refuses them")
  func limitsAreMeasured() {
    var absorption = AbsorptionToy.default
    (absorption.trainingSamples, absorption.evaluationSamples, absorption.world.hierarchies, absorption.world.independentFeatures,
     absorption.world.inputDimension) = (100_000, 100_000, 256, 512, 1024)
    var oneD = OneDToy.default
    (oneD.arc.sampleCount, oneD.arc.sizes) = (1_000_000, [2, 1000])
    var wide = WideLimitToy.default
    (wide.nets.sampleCount, wide.nets.sizes) = (100_000, [3, 4096])
    for (id, need) in [("absorption", absorption.memory()), ("one-d", oneD.memory()), ("wide-limit", wide.memory())] {
      let problem = need.problem(available: 4_000_000_000)
      #expect(problem?.contains("of memory; the machine has 4 GB available") == true, "\(id): \(problem ?? "fits")")
    }
  }

  @Test("lab check refuses a dictionary whose K × K Gram matrix the machine cannot hold, before computing codes")
  func hugeCheck() throws {
    let directory = try Scratch.directory()
    // 2,000,000 unit atoms in one dimension (a 16 MB file): the Gram matrix alone is 32 TB.
    try NumPyArray(shape: [2_000_000, 1], elementType: .float32, values: [Double](repeating: 1, count: 2_000_000)).encoded
      .write(to: directory.appendingPathComponent("D.npy"))
    try NumPyArray(shape: [10, 1], elementType: .float64, values: (0..<10).map { Double($0) }).encoded
      .write(to: directory.appendingPathComponent("X.npy"))
    for extra in [[], ["--streaming"]] {
      try Self.expectTooBig(["check", "--data", "X.npy", "--dictionary", "D.npy", "--lambda", "0.1", "--json-out", "c.json"] + extra,
                            naming: "checking 2000000 atoms on 10 points of dimension 1", in: directory)
    }
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

  /// lab encode and lab check stream X instead (EncodeStreamTests, hugeStreamedCheck).
  @Test("A valid .npy of 800 GB is refused by every reader before its values are allocated",
        arguments: ["learn", "train"])
  func hugeFile(_ command: String) throws {
    let directory = try Self.world()
    try Self.sparseArray(directory.appendingPathComponent("big.npy"), rows: 10_000_000, columns: 10_000)
    let arguments: [String] = switch command {
    case "learn": ["learn", "--data", "big.npy", "--atoms", "2", "--lambda", "0.1", "--out", "learned"]
    default: ["train", "--data", "big.npy", "--arch", "topk", "--k", "1", "--width", "4", "--batch", "4", "--steps", "1", "--lr", "0.1",
              "--out", "sae"]
    }
    try Self.expectTooBig(arguments, naming: "big.npy: reading shape (10000000, 10000) as float64 needs about 800 GB", in: directory)
  }

  @Test("lab check streams an 800 GB X instead of reading it, and refuses it for what the streaming checks hold (the kept codes), before reading it")
  func hugeStreamedCheck() throws {
    let directory = try Scratch.directory()
    try Self.sparseArray(directory.appendingPathComponent("big.npy"), rows: 10_000_000, columns: 10_000)
    // 1,000 atoms of m = 10,000: the kept codes of 10⁷ points may take 10⁷ · 1,000 · 12 bytes = 120 GB, more than this machine has.
    try Self.sparseArray(directory.appendingPathComponent("D.npy"), rows: 1000, columns: 10_000)
    try Self.expectTooBig(["check", "--data", "big.npy", "--dictionary", "D.npy", "--lambda", "0.1"],
                          naming: "checking 1000 atoms on 10000000 points of dimension 10000 (streaming) needs about", in: directory)
  }
}
