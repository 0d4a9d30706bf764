import Foundation
import LabTestSupport
import Testing

/// Issue 20, fault injection: a real run of each multi-file writer killed (SIGKILL) at every write
/// step in turn (`LAB_KILL_AT_WRITE_STEP`, see LabFormats' WriteFaults): right after the kill every
/// output is the previous complete file or the new one, and the next run completes the outputs and
/// leaves no temporary file (it rolls a killed commit forward or removes it).
@Suite("Kill at every write step", .serialized)
struct KillAtEveryStepTests {
  /// A command writing several files, run first with `old` and then with `new` arguments.
  struct Writer: CustomTestStringConvertible, Sendable {
    var name: String
    var old: [String]
    var new: [String]
    /// Files that change with every run (times), compared by presence only.
    var volatile: Set<String> = []
    /// Exit codes of a run that wrote its outputs.
    var success: Set<Int32> = [0]
    var testDescription: String { name }
  }

  static let train = ["train", "--data", "w/X.npy", "--arch", "topk", "--k", "2", "--width", "8", "--batch", "16", "--steps", "20", "--lr", "0.01"]

  static let writers: [Writer] = [
    Writer(name: "run", old: ["run", "star", "--seed", "1", "--out", "out", "--quiet"], new: ["run", "star", "--seed", "2", "--out", "out", "--quiet"],
           volatile: ["star.provenance.json"]),
    Writer(name: "learn", old: ["learn", "--data", "w/X.npy", "--atoms", "3", "--lambda", "0.05", "--epochs", "1", "--seed", "1", "--out", "out"],
           new: ["learn", "--data", "w/X.npy", "--atoms", "3", "--lambda", "0.05", "--epochs", "1", "--seed", "2", "--out", "out"],
           volatile: ["summary.json"], success: [0, 1]),
    Writer(name: "train", old: train + ["--seed", "1", "--checkpoint", "out", "--out", "out"],
           new: train + ["--seed", "2", "--checkpoint", "out", "--out", "out"]),
    Writer(name: "generate", old: ["generate", "tree", "--samples", "3000", "--seed", "1", "--out", "out"],
           new: ["generate", "tree", "--samples", "3000", "--seed", "2", "--out", "out"]),
  ]

  static func files(_ directory: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
      result[name] = (try? Data(contentsOf: directory.appendingPathComponent(name))) ?? Data()
    }
    return result
  }

  static func prepared(_ writer: Writer) throws -> URL {
    let directory = try Scratch.directory()
    let world = try LabExecutable.run(["generate", "tree", "--samples", "100", "--precision", "float64", "--out", "w"], in: directory)
    #expect(world.status == 0, "\(world.stderr)")
    let old = try LabExecutable.run(writer.old, in: directory)
    #expect(writer.success.contains(old.status), "\(writer.old): \(old.stderr)")
    return directory
  }

  @Test("A run killed at each write step leaves old or new files, and the next run completes them with nothing left behind", arguments: writers)
  func killAtEveryStep(_ writer: Writer) throws {
    let reference = try Self.prepared(writer)
    #expect(writer.success.contains(try LabExecutable.run(writer.new, in: reference).status))
    let new = try Self.files(reference.appendingPathComponent("out"))
    var step = 1
    while step < 500 {
      let directory = try Self.prepared(writer)
      let target = directory.appendingPathComponent("out")
      let old = try Self.files(target)
      let killed = try LabExecutable.run(writer.new, environment: ["LAB_KILL_AT_WRITE_STEP": "\(step)"], in: directory)
      if writer.success.contains(killed.status) { break }  // fewer write steps than `step`: every step was covered
      let context = "\(writer.name), killed at write step \(step)"
      #expect(killed.status == SIGKILL, "\(context): \(killed.status) \(killed.stderr)")
      let now = try Self.files(target)
      for name in Set(now.keys).subtracting(writer.volatile) where !name.hasPrefix(".") && !name.hasSuffix(".partial") {
        #expect(now[name] == old[name] || now[name] == new[name], "\(context): \(name) is neither the previous nor the new file")
      }
      let next = try LabExecutable.run(writer.new, in: directory)
      #expect(writer.success.contains(next.status), "\(context): next run: \(next.stderr)")
      let final = try Self.files(target)
      #expect(final.keys.allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".partial") }, "\(context): left \(final.keys.sorted())")
      #expect(Set(final.keys) == Set(new.keys), "\(context): \(final.keys.sorted())")
      for name in Set(final.keys).subtracting(writer.volatile) { #expect(final[name] == new[name], "\(context): \(name) after the next run") }
      step += 1
    }
    #expect(step > 3 && step < 500, "\(writer.name): \(step - 1) write steps")
  }
}
