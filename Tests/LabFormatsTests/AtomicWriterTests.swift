import Foundation
import LabTestSupport
@testable import LabFormats
import LabRandom
import PropertyBased
import Testing

/// Multi-file writes commit together (issue 20, class 7), checked by fault injection: a run
/// "killed" after any number of renames, or before its commit marker, leaves a state a reader can
/// detect and that the next write (or ``AtomicWriter/recover(_:)``) completes or removes.
@Suite struct AtomicWriterTests {
  static func scratch() throws -> String {
    let path = try Scratch.directory().appendingPathComponent("atomic").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func contents(_ directory: String, _ name: String) -> String? {
    try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)
  }

  static func stagingDirectories(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(AtomicWriter.stagingPrefix) }
  }

  /// The pid of a process that has exited.
  static func deadPID() throws -> pid_t {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
  }

  struct Interrupted: Error {}

  @Test("a write interrupted after any number of renames leaves every file old or new, a detectable staging directory, and recovery makes every file new")
  func interruptedCommit() async throws {
    await propertyCheck(count: 60, input: Gen.int(in: 1...6), Gen.int(in: 0...6), Gen.uint64()) { count, cut, seed in
      let directory = try Self.scratch()
      let names = (0..<count).map { "file\($0).txt" }
      try AtomicWriter.write(names.map { ($0, Data("old \($0)".utf8)) } + [("other.txt", Data("keep".utf8))], into: directory)
      let new = names.map { ($0, Data("new \($0) \(seed)".utf8)) }
      // Killed after `cut` renames when 0 < cut < count; otherwise a write that completes.
      let killed = cut > 0 && cut < count
      if killed {
        #expect(throws: Interrupted.self) {
          try AtomicWriter.write(new, into: directory, afterRename: { if $0 == cut { throw Interrupted() } })
        }
        for name in names {
          let found = Self.contents(directory, name)
          #expect(found == "old \(name)" || found == "new \(name) \(seed)", "\(name): \(found ?? "missing")")
        }
        let staging = Self.stagingDirectories(directory)
        #expect(staging.count == 1 && FileManager.default.fileExists(atPath: directory + "/" + staging[0] + "/" + AtomicWriter.commitMarker),
                "an interrupted commit is visible to a reader")
        try AtomicWriter.recover(directory)
      } else {
        try AtomicWriter.write(new, into: directory)
      }
      for name in names { #expect(Self.contents(directory, name) == "new \(name) \(seed)") }
      #expect(Self.stagingDirectories(directory).isEmpty)
      #expect(Self.contents(directory, "other.txt") == "keep", "a file the write does not name is untouched")
      try? FileManager.default.removeItem(atPath: directory)
    }
  }

  @Test("a staging directory without its marker (killed while staging) is removed and the targets keep their old contents")
  func incompleteStaging() throws {
    let directory = try Self.scratch()
    try AtomicWriter.write([("a.txt", Data("old".utf8))], into: directory)
    let staging = directory + "/" + AtomicWriter.stagingPrefix + "\(try Self.deadPID())-deadbeef"
    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
    try Data("half".utf8).write(to: URL(fileURLWithPath: staging + "/a.txt"))
    try AtomicWriter.write([("b.txt", Data("b".utf8))], into: directory)  // any later write recovers first
    #expect(Self.contents(directory, "a.txt") == "old")
    #expect(Self.stagingDirectories(directory).isEmpty)
  }

  @Test("a staging directory of a live process is left to it")
  func liveWriter() throws {
    let directory = try Self.scratch()
    let staging = directory + "/" + AtomicWriter.stagingPrefix + "1-0000beef"  // pid 1 is always running
    try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
    try AtomicWriter.recover(directory)
    #expect(Self.stagingDirectories(directory) == [AtomicWriter.stagingPrefix + "1-0000beef"])
  }

  @Test("names that would leave the directory are refused before anything is written")
  func pathEscape() throws {
    let directory = try Self.scratch()
    for name in ["../escape.txt", "a/b.txt", "..", ".", "", AtomicWriter.stagingPrefix + "x"] {
      #expect { try AtomicWriter.write([("ok.txt", Data()), (name, Data("x".utf8))], into: directory) } throws: {
        "\($0)".contains(directory) && "\($0)".contains("not a plain file name")
      }
    }
    #expect(Self.contents(directory, "ok.txt") == nil, "nothing was written")
  }

  @Test("a file where the directory should be is named in one line, not as a Foundation error")
  func fileInsteadOfDirectory() throws {
    let directory = try Self.scratch() + "/plain"
    try Data("x".utf8).write(to: URL(fileURLWithPath: directory))
    #expect { try AtomicWriter.write([("a.txt", Data())], into: directory) } throws: {
      "\($0)" == "\(directory): exists and is not a directory"
    }
  }

  @Test("a stream writer removes the partial files a killed writer of the same path left, and keeps a live one's")
  func stalePartials() throws {
    let directory = try Self.scratch()
    let path = directory + "/X.npy"
    let stale = "\(path).\(try Self.deadPID())-abcdef12.partial", live = "\(path).1-abcdef12.partial"
    for file in [stale, live] { try Data("x".utf8).write(to: URL(fileURLWithPath: file)) }
    let writer = try NumPyStreamWriter(path: path, shape: [1], elementType: .float64)
    try writer.append([1])
    try writer.finish()
    #expect(!FileManager.default.fileExists(atPath: stale))
    #expect(FileManager.default.fileExists(atPath: live))
  }
}
