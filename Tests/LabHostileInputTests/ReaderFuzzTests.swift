import Foundation
import LabExperiments
import LabFormats
import LabNumerics
import LabTraining
import PropertyBased
import Testing

/// Property-based fuzzing of every reader: 10⁴ hostile variants (``HostileBytes``) of a valid
/// file per reader, each of which must end in a valid value or a thrown error whose message names
/// the file. A trap would end the test process, so finishing is itself part of the proof.
@Suite("Hostile input: every reader")
struct ReaderFuzzTests {
  static let cases = 10_000

  /// Feeds `cases` mutations of `valid` to `read`; a thrown error must name `path`.
  static func fuzz(_ valid: Data, path: String, read: @escaping (Data) throws -> Void) async {
    await propertyCheck(count: cases, input: Gen.uint64()) { seed in
      let bytes = HostileBytes.mutate(valid, seed: seed)
      do { try read(bytes) } catch {
        let message = "\(error)"
        #expect(message.contains(path), "seed \(seed): the error does not name the file: \(message)")
      }
    }
  }

  @Test(".npy: hostile arrays decode to a consistent array or a FormatError naming the file")
  func numPy() async throws {
    let valid = NumPyArray(shape: [3, 4], elementType: .float64, values: (0..<12).map { Double($0) - 2.5 }).encoded
    await Self.fuzz(valid, path: "x.npy") { bytes in
      let array = try NumPyArray(decoding: bytes, path: "x.npy")
      #expect(array.values.count == array.shape.reduce(1, *))
      if array.shape.count == 2 { _ = try array.matrix(path: "x.npy", role: "X") as Matrix<Double> }
    }
  }

  @Test(".safetensors: hostile files decode to consistent tensors or a FormatError naming the file")
  func safeTensors() async throws {
    let valid = SafeTensors(tensors: [
      "W": .init(elementType: .float32, shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
      "b": .init(elementType: .float64, shape: [3], values: [0.5, -1, 2]),
    ]).encoded
    await Self.fuzz(valid, path: "w.safetensors") { bytes in
      let file = try SafeTensors(decoding: bytes, path: "w.safetensors")
      for tensor in file.tensors.values { #expect(tensor.values.count == tensor.shape.reduce(1, *)) }
    }
  }

  @Test("SAELens SAE directories (cfg.json and weights): a hostile file gives an SAE or an error naming it")
  func saeLensSAE() async throws {
    let fixture = Scratch.fixture("LabTrainingTests", "saelens-sae/topk")
    let directory = try Scratch.directory()
    let files = [SAELensFormat.configFile, SAELensFormat.weightsFile]
    let valid = try files.map { try Data(contentsOf: fixture.appendingPathComponent($0)) }
    await propertyCheck(count: Self.cases, input: Gen.uint64()) { seed in
      let target = Int(seed % 2)
      for (index, name) in files.enumerated() {
        try (index == target ? HostileBytes.mutate(valid[index], seed: seed) : valid[index]).write(to: directory.appendingPathComponent(name))
      }
      do {
        let sae = try SAELensFormat.read(from: directory.path)
        #expect(sae.parameters.values.allSatisfy { $0.isFinite })
      } catch {
        let message = "\(error)"
        #expect(files.contains { message.contains(directory.appendingPathComponent($0).path) }, "seed \(seed): \(message)")
      }
    }
  }

  @Test("SAELens synthetic-model directories: a hostile file gives a model or an error naming it")
  func saeLensSynthetic() async throws {
    let fixture = Scratch.fixture("LabExperimentsTests", "saelens-small")
    let directory = try Scratch.directory()
    let files = ["synthetic_model_config.json", "synthetic_model.safetensors", "hierarchy.json"]
    let valid = try files.map { try Data(contentsOf: fixture.appendingPathComponent($0)) }
    await propertyCheck(count: Self.cases, input: Gen.uint64()) { seed in
      let target = Int(seed % 3)
      for (index, name) in files.enumerated() {
        try (index == target ? HostileBytes.mutate(valid[index], seed: seed) : valid[index]).write(to: directory.appendingPathComponent(name))
      }
      do {
        let model = try SAELensSyntheticModel(directory: directory.path)
        _ = try? model.generator(seed: 1)
      } catch {
        let message = "\(error)"
        #expect(files.contains { message.contains(directory.appendingPathComponent($0).path) }, "seed \(seed): \(message)")
      }
    }
  }

  @Test("Experiment toy files: a hostile toy loads as a valid toy or fails naming the file")
  func experimentToys() async throws {
    let directory = try Scratch.directory()
    let path = directory.appendingPathComponent("toy.json").path
    let valid = try ToyLoader.encode(StarToy.default)
    await Self.fuzz(valid, path: path) { bytes in
      try bytes.write(to: URL(fileURLWithPath: path))
      let toy = try ToyLoader.load(StarToy.self, path: path)
      #expect(toy.problems().isEmpty)
    }
  }

  @Test("World toy files: a hostile world toy loads as a valid toy or fails naming the file")
  func worldToys() async throws {
    let directory = try Scratch.directory()
    let path = directory.appendingPathComponent("world.json").path
    let valid = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("toys/tree.json"))
    await Self.fuzz(valid, path: path) { bytes in
      try bytes.write(to: URL(fileURLWithPath: path))
      let toy = try WorldToyLoader.load(path: path)
      #expect(toy.problems().isEmpty)
    }
  }

  @Test("Saved run records (lab report's reader): a hostile record re-renders or fails naming the file")
  func runRecords() async throws {
    let (_, product) = try ExperimentRegistry.entry("star").get().run(nil, nil, false) { _ in }
    let files = try product.render(Provenance(labVersion: "test", glpkVersion: "", blasConfiguration: "", blasThreads: 1, startedAt: "", wallSeconds: 0, command: ""),
                                   RunInvocation(reproduce: "lab run star --seed 0", quick: false))
    let valid = try #require(files.first { $0.name == "star.json" }).contents
    await Self.fuzz(valid, path: "star.json") { bytes in
      let record = try RunRecords.parse(StarExperiment.Record.self, id: "star", data: bytes, path: "star.json")
      let rendered = try record.reportFiles()
      #expect(rendered.contains { $0.name == "star.md" })
      _ = try RunRecords.decode(RunRecords.Summary.self, from: bytes, path: "star.json")
    }
  }
}

@Suite("Hostile input: oversized files")
struct OversizedFileTests {
  @Test("Toy files over 1 MiB and run records over 32 MiB are refused before parsing, naming the file and the limit")
  func refused() throws {
    let directory = try Scratch.directory()
    let toy = directory.appendingPathComponent("big-toy.json")
    try Data(repeating: 0x20, count: ToyLoader.maximumFileSize + 1).write(to: toy)
    #expect(throws: ToyFileError.self) { try ToyLoader.load(StarToy.self, path: toy.path) }
    do {
      _ = try WorldToyLoader.load(path: toy.path)
      Issue.record("an oversized world toy was read")
    } catch {
      #expect("\(error)".contains("\(toy.path): file is \(ToyLoader.maximumFileSize + 1) bytes, larger than"))
    }
    let record = directory.appendingPathComponent("star.json")
    try Data(repeating: 0x20, count: RunRecords.maximumFileSize + 1).write(to: record)
    do {
      _ = try RunRecords.summary(id: "star", in: directory.path)
      Issue.record("an oversized record was read")
    } catch {
      #expect("\(error)".contains("\(record.path): record is \(RunRecords.maximumFileSize + 1) bytes, larger than"))
    }
    #expect(throws: RunRecordError.self) { try ExperimentRegistry.entry("star").get().rerender(record.path) }
  }
}
