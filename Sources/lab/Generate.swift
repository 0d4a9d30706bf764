import ArgumentParser
import Foundation
import LabExperiments
import LabFormats
import LabGenerators

/// `lab generate <toy>`: sample a world toy and write the data with its ground truth as `.npy`.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sample a world toy and write X.npy, codes.npy, dictionary.npy, bias.npy and world.json.")

  @Argument(help: ArgumentHelp("A world toy file, or the name of one in toys/ (e.g. 'tree').", valueName: "toy"))
  var toy: String

  @Option(name: .long, help: ArgumentHelp("Output directory.", valueName: "dir"))
  var out: String

  @Option(name: .long, help: ArgumentHelp("Number of samples N (default: the toy's sampleCount).", valueName: "n"))
  var samples: Int?

  @Option(name: .long, help: "Root seed; overrides the toy's seed.")
  var seed: UInt64?

  @Option(name: .long, help: "Stored precision: float32 or float64.")
  var precision: String = "float32"

  func run() throws {
    guard let elementType = NumPyArray.ElementType(rawValue: precision) else {
      throw BadInput.fail("'--precision' must be float32 or float64, got '\(precision)'")
    }
    if let samples, !(1...100_000_000).contains(samples) {
      throw BadInput.fail("'--samples' must be in 1...100000000, got \(samples)")
    }
    var loaded: WorldToy
    do { loaded = try WorldToyLoader.load(path: try Self.resolve(toy)) } catch { throw BadInput.fail("\(error)") }
    if let samples { loaded.sampleCount = samples }
    if let seed { loaded.seed = seed }
    let description: WorldExport.Description
    do { description = try WorldExport.write(loaded, precision: elementType, into: out) } catch let error as WorldError {
      throw BadInput.fail("\(toy): \(error)")
    }
    let shapes = description.files.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map(String.init).joined(separator: "×"))" }
    print("\(loaded.id): wrote \(shapes.joined(separator: ", ")) and world.json to \(out) (seed \(loaded.seed), \(precision))")
  }

  /// A path as given if it exists, else `toys/<name>.json`; unknown names get the nearest toy.
  static func resolve(_ toy: String) throws -> String {
    if FileManager.default.fileExists(atPath: toy) { return toy }
    let candidate = "toys/\(toy).json"
    if FileManager.default.fileExists(atPath: candidate) { return candidate }
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: "toys")) ?? []).filter { $0.hasSuffix(".json") }
      .map { String($0.dropLast(5)) }.sorted()
    let nearest = names.min { EditDistance.between(toy, $0) < EditDistance.between(toy, $1) } ?? ""
    throw ToyFileError(path: toy, "no such file, and no toys/\(toy).json. Did you mean '\(nearest)'? Toys: \(names.joined(separator: ", "))")
  }
}
