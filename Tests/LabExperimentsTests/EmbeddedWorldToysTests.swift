import Foundation
import LabExperiments
import Testing

/// The world toys built into the binary are exactly the world toys of `toys/`
/// (regenerate with `scripts/embed-world-toys.py`), and each one loads.
@Suite struct EmbeddedWorldToysTests {
  static let toys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../toys").standardized

  @Test("every world toy of toys/ is built in with the same text, and nothing else is")
  func sameAsToys() throws {
    var worldToys: [String: String] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: Self.toys.path) where name.hasSuffix(".json") {
      let text = try String(contentsOf: Self.toys.appendingPathComponent(name), encoding: .utf8)
      let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
      if object?["kind"] as? String == "world" { worldToys[String(name.dropLast(5))] = text }
    }
    #expect(Set(EmbeddedWorldToys.all.map(\.name)) == Set(worldToys.keys), "run scripts/embed-world-toys.py")
    for (name, json) in EmbeddedWorldToys.all {
      #expect(json + "\n" == worldToys[name], "toys/\(name).json differs from its built-in copy: run scripts/embed-world-toys.py")
      #expect(throws: Never.self) { try WorldToyLoader.load(data: Data(json.utf8), path: name) }
    }
  }
}
