import Foundation
import LabExperiments
import LabFormats
import LabGenerators
import Testing
import LabTestSupport

@Suite("World toys", .serialized)
struct WorldToyTests {
  static let repository = ToyFileTests.repository

  /// The world toys committed in `toys/`: those whose `kind` is `world` (the others are experiment toys).
  static var toyPaths: [String] {
    let directory = repository.appendingPathComponent("toys")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    return names.filter { $0.hasSuffix(".json") }.map { directory.appendingPathComponent($0).path }.filter { path in
      let object = (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
      return object?["kind"] as? String == "world"
    }
  }

  static func message(loading text: String) throws -> (path: String, message: String) {
    let path = try ToyFileTests.file(text)
    do {
      _ = try WorldToyLoader.load(path: path)
      return (path, "")
    } catch {
      return (path, "\(error)")
    }
  }

  static let tree = """
    {"id": "t", "kind": "world", "title": "t", "claim": "c", "seed": 1, "sampleCount": 10,
     "world": {"kind": "tree", "featureCount": 3, "inputDimension": 4, "firing": {"kind": "constant", "value": 0.5},
               "hierarchy": {"parents": [null, 0, 0], "exclusiveParents": [0]}}}
    """

  @Test("every committed world toy loads, and every generator kind has one")
  func committedToys() throws {
    var kinds: Set<String> = []
    for path in Self.toyPaths {
      let toy = try WorldToyLoader.load(path: path)
      #expect(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent == toy.id)
      kinds.insert(type(of: toy.world.world).kind)
      let canonical = try ToyFileTests.file(String(decoding: try WorldToyLoader.encode(toy), as: UTF8.self))
      #expect(try WorldToyLoader.load(path: canonical) == toy)
    }
    #expect(kinds == Set(WorldSpec.kinds))
  }

  @Test("an unknown world kind suggests the nearest one")
  func unknownKind() throws {
    let (path, message) = try Self.message(loading: Self.tree.replacingOccurrences(of: "\"kind\": \"tree\"", with: "\"kind\": \"tre\""))
    #expect(message == "\(path): 'world.kind': unknown world kind 'tre'. Did you mean 'tree'? Known: arc, dense, exclusive-groups, independent, ray, tree")
  }

  @Test("an unknown key suggests the nearest one")
  func unknownKey() throws {
    let (path, message) = try Self.message(loading: Self.tree.replacingOccurrences(of: "\"featureCount\"", with: "\"featureCont\""))
    #expect(message.hasPrefix("\(path): unknown field 'featureCont' in 'world'. Did you mean 'featureCount'?"))
    let (path2, message2) = try Self.message(loading: Self.tree.replacingOccurrences(of: "\"exclusiveParents\"", with: "\"exclusiveParent\""))
    #expect(message2.hasPrefix("\(path2): unknown field 'exclusiveParent' in 'world.hierarchy'. Did you mean 'exclusiveParents'?"))
    let (path3, message3) = try Self.message(loading: Self.tree.replacingOccurrences(of: "\"kind\": \"constant\"", with: "\"kind\": \"zipff\""))
    #expect(message3.hasPrefix("\(path3): 'world.firing.kind': unknown profile kind 'zipff'. Did you mean 'zipf'?"))
  }

  @Test("a bad value names the file, the key and the value")
  func badValue() throws {
    let (path, message) = try Self.message(loading: Self.tree.replacingOccurrences(of: "\"value\": 0.5", with: "\"value\": 1.5"))
    #expect(message == "\(path): world: 'firing' values must lie in 0.0...1.0, but this profile spans 1.5...1.5")
    let (path2, message2) = try Self.message(loading: Self.tree.replacingOccurrences(of: "[null, 0, 0]", with: "[1, 0, 0]"))
    #expect(message2 == "\(path2): world: 'hierarchy.parents' has a cycle through feature 0")
    let (path3, message3) = try Self.message(loading: Self.tree.replacingOccurrences(of: "[null, 0, 0]", with: "[null, 0, 7]"))
    #expect(message3 == "\(path3): world: 'hierarchy.parents[2]' must be null or another feature index in 0..<3, got 7")
  }

  /// Writing twice with the same seed gives the same bytes; the arrays have the stated shapes and
  /// X = b + Z·D to float64 rounding.
  @Test("export is byte-identical for a seed and consistent with its ground truth")
  func export() throws {
    let toy = try WorldToyLoader.load(path: Self.repository.appendingPathComponent("toys/tree-exactly-one.json").path)
    var noiseless = toy
    if case .tree(var world) = toy.world {
      world.embedding.noise = 0
      noiseless.world = .tree(world)
    }
    let a = try Scratch.directory().path, b = try Scratch.directory().path
    try WorldExport.write(noiseless, precision: .float64, into: a)
    try WorldExport.write(noiseless, precision: .float64, into: b)
    let names = ["X.npy", "codes.npy", "dictionary.npy", "bias.npy", "world.json"]
    for name in names {
      #expect(FileManager.default.contents(atPath: "\(a)/\(name)") == FileManager.default.contents(atPath: "\(b)/\(name)"))
    }
    let x = try NumPyArray(contentsOf: "\(a)/X.npy"), z = try NumPyArray(contentsOf: "\(a)/codes.npy")
    let d = try NumPyArray(contentsOf: "\(a)/dictionary.npy"), bias = try NumPyArray(contentsOf: "\(a)/bias.npy")
    #expect(x.shape == [toy.sampleCount, 32] && z.shape == [toy.sampleCount, 20] && d.shape == [20, 32] && bias.shape == [32])
    for n in 0..<toy.sampleCount {
      for j in 0..<32 {
        let expected = bias.values[j] + (0..<20).reduce(0.0) { $0 + z.values[n * 20 + $1] * d.values[$1 * 32 + j] }
        #expect(abs(x.values[n * 32 + j] - expected) <= 1e-12)
      }
    }
  }

  static func lab(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = LabExecutable.url
    process.arguments = arguments
    process.currentDirectoryURL = repository
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }

  @Test("lab generate writes the files; bad input exits with 2 and names the problem")
  func command() throws {
    let out = try Scratch.directory().path
    let ok = try Self.lab(["generate", "ray", "--out", out, "--samples", "25", "--seed", "3", "--precision", "float64"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(try NumPyArray(contentsOf: "\(out)/X.npy").shape == [25, 3])
    #expect(try NumPyArray(contentsOf: "\(out)/X.npy").elementType == .float64)
    let description = try JSONDecoder().decode(WorldExport.Description.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/world.json")))
    #expect(description.seed == 3 && description.sampleCount == 25 && description.files["bias.npy"] == [3])
    let unknown = try Self.lab(["generate", "tre", "--out", out])
    #expect(unknown.status == 2 && unknown.stderr.contains("Did you mean 'tree'?"))
    let precision = try Self.lab(["generate", "ray", "--out", out, "--precision", "float16"])
    #expect(precision.status == 2 && precision.stderr.contains("The value 'float16' is invalid for '--precision <precision>'. Please provide one of 'float32' and 'float64'."))
  }

  @Test("lab generate reads and writes SAELens synthetic-model directories")
  func saelensCommands() throws {
    let out = try Scratch.directory().path
    let sampled = try Self.lab(["generate", "--from-saelens", SAELensInteropTests.fixture, "--samples", "50", "--out", out])
    #expect(sampled.status == 0, "\(sampled.stderr)")
    #expect(try NumPyArray(contentsOf: "\(out)/X.npy").shape == [50, 8])
    #expect(try NumPyArray(contentsOf: "\(out)/codes.npy").shape == [50, 14])
    #expect(try NumPyArray(contentsOf: "\(out)/X.npy").elementType == .float32)
    let written = try Self.lab(["generate", "tree", "--saelens-out", "\(out)/tree"])
    #expect(written.status == 0, "\(written.stderr)")
    for name in ["synthetic_model_config.json", "synthetic_model.safetensors", "hierarchy.json"] {
      #expect(FileManager.default.fileExists(atPath: "\(out)/tree/\(name)"))
    }
    let refused = try Self.lab(["generate", "tree-exactly-one", "--saelens-out", "\(out)/no"])
    #expect(refused.status == 2 && refused.stderr.contains("SAELens supports only 'hierarchy.exclusion' at-most-one"))
    #expect(!FileManager.default.fileExists(atPath: "\(out)/no"))
    let missing = try Self.lab(["generate", "--from-saelens", SAELensInteropTests.fixture, "--out", out])
    #expect(missing.status == 2 && missing.stderr.contains("'--from-saelens' needs '--out DIR' and '--samples N'"))
  }
}
