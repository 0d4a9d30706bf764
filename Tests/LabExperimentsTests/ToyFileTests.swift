import Foundation
import LabTestSupport
import LabExperiments
import Testing

@Suite("Toy files")
struct ToyFileTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test("toys/hierarchy.json is the embedded default, byte for byte in its canonical form")
  func committedToyIsTheDefault() throws {
    let path = Self.repository.appendingPathComponent("toys/hierarchy.json").path
    #expect(try ToyLoader.load(HierarchyToy.self, path: path) == HierarchyToy.default)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == ToyLoader.encode(HierarchyToy.default))
  }

  @Test("toys/star.json is the embedded default of the star experiment")
  func committedStarToy() throws {
    let path = Self.repository.appendingPathComponent("toys/star.json").path
    #expect(try ToyLoader.load(StarToy.self, path: path) == StarToy.default)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == ToyLoader.encode(StarToy.default))
  }

  @Test("Every registered experiment has a committed toy file equal to its default")
  func everyExperimentHasItsToy() throws {
    for entry in ExperimentRegistry.all {
      let path = Self.repository.appendingPathComponent("toys/\(entry.id).json").path
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == entry.resolvedToy(nil, nil, false), "toys/\(entry.id).json")
    }
  }

  @Test("An invalid star toy names the field and value")
  func invalidStarToy() throws {
    let text = String(decoding: try ToyLoader.encode(StarToy.default), as: UTF8.self).replacingOccurrences(of: "\"receiver\" : 2", with: "\"receiver\" : 7")
    let path = try Self.file(text)
    #expect(throws: ToyFileError(path: path, "'receiver' must be in 0..<3, got 7")) { try ToyLoader.load(StarToy.self, path: path) }
  }

  /// Writes `text` to a fresh file and returns its path.
  static func file(_ text: String) throws -> String {
    let path = try Scratch.directory().appendingPathComponent("toy.json").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// The default toy's JSON with one textual replacement.
  static func defaultText(replacing old: String, with new: String) throws -> String {
    let text = String(decoding: try ToyLoader.encode(HierarchyToy.default), as: UTF8.self)
    #expect(text.contains(old), "the canonical toy text must contain \(old)")
    return text.replacingOccurrences(of: old, with: new)
  }

  static func message(loading text: String) throws -> (path: String, message: String) {
    let path = try file(text)
    do {
      _ = try ToyLoader.load(HierarchyToy.self, path: path)
      return (path, "")
    } catch {
      return (path, "\(error)")
    }
  }

  @Test("A missing file is named")
  func missingFile() {
    #expect(throws: ToyFileError(path: "/nonexistent/toy.json", "no such file")) {
      try ToyLoader.load(HierarchyToy.self, path: "/nonexistent/toy.json")
    }
  }

  @Test("Malformed JSON names the file")
  func malformedJSON() throws {
    let (path, message) = try Self.message(loading: "{ \"id\": ")
    #expect(message.hasPrefix("\(path): not valid JSON"))
  }

  @Test("An invalid value names the file, the field and the value")
  func invalidValue() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"lambda\" : 0.05", with: "\"lambda\" : -1"))
    #expect(message == "\(path): 'lambda' must be a finite number > 0, got -1.0")
  }

  @Test("A nested invalid value names its section")
  func invalidNestedValue() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"sampleCount\" : 200", with: "\"sampleCount\" : 2"))
    #expect(message == "\(path): world: 'sampleCount' must be in 4...1000000, got 2")
  }

  @Test("A wrong type names the field")
  func wrongType() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"lambda\" : 0.05", with: "\"lambda\" : \"small\""))
    #expect(message.hasPrefix("\(path): field 'lambda' has the wrong type"))
  }

  @Test("A missing field is named with its section")
  func missingField() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"parentOnlyFraction\" : 0.25,", with: ""))
    #expect(message == "\(path): missing field 'world.parentOnlyFraction'")
  }

  @Test("A hierarchy toy written before the absorption, mop-up and random-dataset sections loads with their defaults")
  func olderHierarchyToyLoads() throws {
    var object = try JSONSerialization.jsonObject(with: ToyLoader.encode(HierarchyToy.default)) as! [String: Any]
    for key in ["absorption", "mopUp", "randomDatasets"] { #expect(object.removeValue(forKey: key) != nil, "\(key) is a toy key") }
    let path = try Self.file(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    #expect(try ToyLoader.load(HierarchyToy.self, path: path) == HierarchyToy.default)
  }

  @Test("An invalid value in a new hierarchy section names the section, the field and the value")
  func invalidHierarchySectionValue() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"count\" : 6,", with: "\"count\" : -1,"))
    #expect(message == "\(path): 'randomDatasets.count' must be in 0...100, got -1")
  }

  @Test("An unknown key gets the nearest known name")
  func unknownKey() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"lambda\"", with: "\"lamda\""))
    #expect(message.hasPrefix("\(path): unknown field 'lamda'. Did you mean 'lambda'?"))
  }

  @Test("An unknown enumeration value names the field")
  func unknownEnumeration() throws {
    let (path, message) = try Self.message(loading: try Self.defaultText(replacing: "\"equal-to-parent\"", with: "\"equal\""))
    #expect(message.hasPrefix("\(path): field 'variants[1].childMagnitude' is invalid"))
  }
}
