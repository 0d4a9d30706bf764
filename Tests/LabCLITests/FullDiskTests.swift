import Foundation
import LabFormats
import LabTestSupport
import Testing

/// Issue 20, fault injection: a full disk, stood for by a file-size limit (`RLIMIT_FSIZE`, set for
/// the child by `prlimit`), at every write step of each writer. The limit is placed just below
/// the size of each file the command writes (and at 0), so that each file in turn is the first
/// write that fails. Every run ends in exit 0 or in exit 2 with one line naming the cause; after
/// it, every output is the previous complete file or the new one, multi-file outputs are all old
/// or all new, and no temporary file is left, neither then nor after the next run.
@Suite("Full disk at every write step", .serialized)
struct FullDiskTests {
  /// A command and where it writes, run first with `old` arguments and then with `new` ones.
  struct Writer: CustomTestStringConvertible, Sendable {
    var name: String
    var old: [String]
    var new: [String]
    /// The directory that receives the outputs (relative).
    var directory: String
    /// Files that change with every run (provenance: times), compared by presence only.
    var volatile: Set<String> = []
    /// The exit codes of a run that wrote its outputs (lab learn with a given budget exits 1 when not certified).
    var success: Set<Int32> = [0]
    var testDescription: String { name }
  }

  static let train = ["train", "--data", "w/X.npy", "--arch", "topk", "--k", "2", "--width", "8", "--batch", "16", "--steps", "20"]

  static let writers: [Writer] = [
    Writer(name: "run", old: ["run", "star", "--seed", "1", "--out", "out", "--quiet"], new: ["run", "star", "--seed", "2", "--out", "out", "--quiet"],
           directory: "out", volatile: ["star.provenance.json"]),
    Writer(name: "learn", old: ["learn", "--data", "w/X.npy", "--atoms", "3", "--lambda", "0.05", "--epochs", "1", "--seed", "1", "--out", "out"],
           new: ["learn", "--data", "w/X.npy", "--atoms", "3", "--lambda", "0.05", "--epochs", "1", "--seed", "2", "--out", "out"], directory: "out",
           volatile: ["summary.json"], success: [0, 1]),
    Writer(name: "train", old: train + ["--lr", "0.01", "--seed", "1", "--checkpoint", "out", "--out", "out"],
           new: train + ["--lr", "0.01", "--seed", "2", "--checkpoint", "out", "--out", "out"], directory: "out"),
    Writer(name: "generate", old: ["generate", "tree", "--samples", "300", "--seed", "1", "--out", "out"],
           new: ["generate", "tree", "--samples", "300", "--seed", "2", "--out", "out"], directory: "out"),
    Writer(name: "encode", old: ["encode", "--data", "w/X.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.05", "--codes-out", "out/z.npy"],
           new: ["encode", "--data", "w/X.npy", "--dictionary", "w/dictionary.npy", "--lambda", "0.5", "--codes-out", "out/z.npy"], directory: "out"),
  ]

  /// The files of `directory` by name (temporary files included, so that they show).
  static func files(_ directory: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
      result[name] = (try? Data(contentsOf: directory.appendingPathComponent(name))) ?? Data()
    }
    return result
  }

  static func temporary(_ names: some Sequence<String>) -> [String] {
    names.filter { $0.hasPrefix(".") || $0.hasSuffix(".partial") }
  }

  /// A scratch directory with a small world `w/` and the command's old outputs.
  static func prepared(_ writer: Writer) throws -> URL {
    let directory = try Scratch.directory()
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("out"), withIntermediateDirectories: false)
    for arguments in [["generate", "tree", "--samples", "100", "--precision", "float64", "--out", "w"], writer.old] {
      let result = try LabExecutable.run(arguments, in: directory)
      #expect(writer.success.contains(result.status), "\(arguments): \(result.stderr)")
    }
    return directory
  }

  @Test("A file-size limit below each output's size leaves old or new complete outputs and no temporary file", arguments: writers)
  func fullDisk(_ writer: Writer) throws {
    // The new outputs, from a run elsewhere.
    let reference = try Self.prepared(writer)
    let after = try LabExecutable.run(writer.new, in: reference)
    #expect(writer.success.contains(after.status), "\(after.stderr)")
    let new = try Self.files(reference.appendingPathComponent(writer.directory))
    let limits = [0] + Set(new.values.map { max(0, $0.count - 1) }).sorted()
    for limit in limits {
      let directory = try Self.prepared(writer)
      let target = directory.appendingPathComponent(writer.directory)
      let old = try Self.files(target)
      // Standard error joins standard output, a pipe: the limit would cut a message written to a file.
      let result = try LabExecutable.run(["--fsize=\(limit)", "/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", LabExecutable.url.path] + writer.new,
                                         in: directory, executable: URL(fileURLWithPath: "/usr/bin/prlimit"))
      let context = "\(writer.name), limit \(limit) bytes: \(result.status) \(result.stdout)"
      #expect(writer.success.contains(result.status) || result.status == 2, "\(context)")
      if result.status == 2 {
        #expect(result.stdout.contains("the file is larger than this process may write") && result.stdout.filter { $0 == "\n" }.count == 1,
                "\(context)")
      }
      let now = try Self.files(target)
      #expect(Self.temporary(now.keys).isEmpty, "\(context): left \(Self.temporary(now.keys))")
      let stable = Set(now.keys).subtracting(writer.volatile)
      #expect(stable == Set(old.keys).subtracting(writer.volatile) || stable == Set(new.keys).subtracting(writer.volatile), "\(context): \(stable.sorted())")
      let allOld = stable.allSatisfy { now[$0] == old[$0] }, allNew = stable.allSatisfy { now[$0] == new[$0] }
      #expect(allOld || allNew, "\(context): the outputs are half old, half new")
      // The next run, without a limit, completes and leaves nothing behind.
      let next = try LabExecutable.run(writer.new, in: directory)
      #expect(writer.success.contains(next.status), "\(context): next run: \(next.stderr)")
      let final = try Self.files(target)
      #expect(Self.temporary(final.keys).isEmpty && final.keys.filter { !writer.volatile.contains($0) }.allSatisfy { final[$0] == new[$0] },
              "\(context): after the next run")
    }
  }
}
