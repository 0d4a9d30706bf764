import Foundation
import LabExperiments
import LabFormats
import LabTestSupport
import Testing

/// Issue 20, classes 2, 9 and 10: every command that writes checks its outputs before any work.
/// Each hostile output (an input under its own name, a symlink or hard link to one, a device, a
/// FIFO, a directory, a symlink loop, a missing or unwritable folder; for directories also a file,
/// and a directory whose written name is an input) is refused with exit code 2 and one line that
/// names the option and the path, in plain words, and nothing changes on disk.
@Suite("Outputs are checked before any work", .serialized)
struct OutputSafetyTests {
  /// One output option of one command: its arguments with the output at a given path, and an
  /// input file of the command (which no output may replace).
  struct Writer: CustomTestStringConvertible, Sendable {
    var name: String
    var option: String
    var isDirectory: Bool
    /// A file name the command writes into a directory output.
    var writtenName: String?
    /// Whether the command creates a file output's missing folder (so that a missing folder is no problem).
    var createsFolder = false
    /// The command line with the output at the path, in the fixture directory.
    var arguments: @Sendable (_ fixture: String, _ output: String) -> [String]
    /// An input file the command reads (relative to the fixture).
    var input: String
    /// The same command line with its input replaced by a missing file (nil: the command reads no file).
    var withoutInput: (@Sendable (_ fixture: String, _ output: String) -> [String])?
    var testDescription: String { "\(name) \(option)" }
  }

  /// The shared inputs: a world (X, D, codes), a toy file, an SAE and a SAELens model.
  static let fixture: String = {
    let directory = try! Scratch.directory().path
    func lab(_ arguments: [String]) {
      let run = try! LabExecutable.run(arguments, in: URL(fileURLWithPath: directory))
      precondition(run.status == 0, "fixture: \(arguments): \(run.stderr)")
    }
    try! Data(EmbeddedWorldToys.json(named: "tree")!.utf8).write(to: URL(fileURLWithPath: directory + "/tree.json"))
    try! ToyLoader.encode(StarToy.default).write(to: URL(fileURLWithPath: directory + "/star.json"))
    lab(["generate", "tree.json", "--out", "world", "--samples", "200", "--precision", "float64", "--saelens-out", "model"])
    lab(["train", "--data", "world/X.npy", "--arch", "topk", "--k", "2", "--width", "8", "--batch", "16", "--steps", "5", "--lr", "0.01",
         "--out", "sae"])
    return directory
  }()

  /// A place no one can write, root included: /proc refuses new files whatever the permissions.
  static let unwritable = "/proc/lab-out.npy"

  static let learnArguments = ["--atoms", "4", "--lambda", "0.05", "--epochs", "1"]
  static let trainArguments = ["--arch", "topk", "--k", "2", "--width", "8", "--batch", "16", "--steps", "5", "--lr", "0.01"]

  static let writers: [Writer] = [
    Writer(name: "encode", option: "--codes-out", isDirectory: false, writtenName: nil,
           arguments: { f, o in ["encode", "--data", "\(f)/world/X.npy", "--dictionary", "\(f)/world/dictionary.npy", "--lambda", "0.05", "--codes-out", o] },
           input: "world/X.npy",
           withoutInput: { f, o in ["encode", "--data", "\(f)/none.npy", "--dictionary", "\(f)/none.npy", "--lambda", "0.05", "--codes-out", o] }),
    Writer(name: "check", option: "--json-out", isDirectory: false, writtenName: nil, createsFolder: true,
           arguments: { f, o in ["check", "--data", "\(f)/world/X.npy", "--dictionary", "\(f)/world/dictionary.npy", "--lambda", "0.05", "--json-out", o] },
           input: "world/dictionary.npy",
           withoutInput: { f, o in ["check", "--data", "\(f)/none.npy", "--dictionary", "\(f)/none.npy", "--lambda", "0.05", "--json-out", o] }),
    Writer(name: "check", option: "--report", isDirectory: false, writtenName: nil, createsFolder: true,
           arguments: { f, o in ["check", "--data", "\(f)/world/X.npy", "--dictionary", "\(f)/world/dictionary.npy", "--lambda", "0.05", "--report", o] },
           input: "world/X.npy",
           withoutInput: { f, o in ["check", "--data", "\(f)/none.npy", "--dictionary", "\(f)/none.npy", "--lambda", "0.05", "--report", o] }),
    Writer(name: "check", option: "--save-move", isDirectory: true, writtenName: "dictionary.npy",
           arguments: { f, o in ["check", "--data", "\(f)/world/X.npy", "--dictionary", "\(f)/world/dictionary.npy", "--lambda", "0.05", "--save-move", o] },
           input: "world/dictionary.npy",
           withoutInput: { f, o in ["check", "--data", "\(f)/none.npy", "--dictionary", "\(f)/none.npy", "--lambda", "0.05", "--save-move", o] }),
    Writer(name: "learn", option: "--out", isDirectory: true, writtenName: "codes.npy",
           arguments: { f, o in ["learn", "--data", "\(f)/world/X.npy"] + learnArguments + ["--out", o] },
           input: "world/X.npy",
           withoutInput: { f, o in ["learn", "--data", "\(f)/none.npy"] + learnArguments + ["--out", o] }),
    Writer(name: "generate", option: "--out", isDirectory: true, writtenName: "world.json",
           arguments: { f, o in ["generate", "\(f)/tree.json", "--samples", "100", "--out", o] },
           input: "tree.json",
           withoutInput: { f, o in ["generate", "\(f)/none.json", "--out", o] }),
    Writer(name: "generate", option: "--saelens-out", isDirectory: true, writtenName: "synthetic_model_config.json",
           arguments: { f, o in ["generate", "\(f)/tree.json", "--saelens-out", o] },
           input: "tree.json",
           withoutInput: { f, o in ["generate", "\(f)/none.json", "--saelens-out", o] }),
    Writer(name: "train", option: "--out", isDirectory: true, writtenName: "cfg.json",
           arguments: { f, o in ["train", "--data", "\(f)/world/X.npy"] + trainArguments + ["--out", o] },
           input: "world/X.npy",
           withoutInput: { f, o in ["train", "--data", "\(f)/none.npy"] + trainArguments + ["--out", o] }),
    Writer(name: "train", option: "--checkpoint", isDirectory: true, writtenName: "state.json",
           arguments: { f, o in ["train", "--data", "\(f)/world/X.npy"] + trainArguments + ["--out", "\(f)/sae-2", "--checkpoint", o] },
           input: "world/X.npy",
           withoutInput: { f, o in ["train", "--data", "\(f)/none.npy"] + trainArguments + ["--out", "\(f)/sae-2", "--checkpoint", o] }),
    Writer(name: "run", option: "--out", isDirectory: true, writtenName: "star.json",
           arguments: { f, o in ["run", "star", "--toy", "\(f)/star.json", "--out", o, "--quiet"] },
           input: "star.json",
           withoutInput: { f, o in ["run", "star", "--toy", "\(f)/none.json", "--out", o, "--quiet"] }),
    Writer(name: "eval", option: "--out", isDirectory: false, writtenName: nil, createsFolder: true,
           arguments: { f, o in ["eval", "--sae", "\(f)/sae", "--truth-model", "\(f)/model", "--samples", "100", "--out", o] },
           input: "sae/cfg.json",
           withoutInput: { f, o in ["eval", "--sae", "\(f)/none", "--truth-model", "\(f)/none", "--samples", "100", "--out", o] }),
    Writer(name: "report", option: "--out", isDirectory: true, writtenName: nil,
           arguments: { _, o in ["report", "--out", o] }, input: "tree.json", withoutInput: nil),
    Writer(name: "activations", option: "--out", isDirectory: false, writtenName: nil,
           arguments: { f, o in ["activations", "--model", "\(f)/none", "--text", "\(f)/world/X.npy", "--layer", "1", "--out", o] },
           input: "world/X.npy",
           withoutInput: { f, o in ["activations", "--model", "\(f)/none", "--text", "\(f)/none.txt", "--layer", "1", "--out", o] }),
  ]

  /// A hostile place for an output, made fresh in `scratch`; `input` is the absolute path of an
  /// input of the command. Returns the path to give and what the message must say.
  enum Place: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case theInput, symlinkToInput, hardLinkToInput, device, fifo, directory, symlinkLoop, missingFolder, unwritableFolder
    case regularFile, writtenNameIsInput
    var testDescription: String { rawValue }

    static let forFiles: [Place] = [.theInput, .symlinkToInput, .hardLinkToInput, .device, .fifo, .directory, .symlinkLoop, .missingFolder,
                                    .unwritableFolder]
    static let forDirectories: [Place] = [.regularFile, .device, .fifo, .symlinkLoop, .unwritableFolder, .writtenNameIsInput]

    func make(in scratch: String, input: String, writtenName: String?) throws -> (path: String, says: String) {
      let manager = FileManager.default
      switch self {
      case .theInput: return (input, "is an input")
      case .symlinkToInput:
        try manager.createSymbolicLink(atPath: scratch + "/link.npy", withDestinationPath: input)
        return (scratch + "/link.npy", "is an input")
      case .hardLinkToInput:
        try manager.linkItem(atPath: input, toPath: scratch + "/hard.npy")
        return (scratch + "/hard.npy", "is an input")
      case .device:
        try manager.createSymbolicLink(atPath: scratch + "/device.npy", withDestinationPath: "/dev/null")
        return (scratch + "/device.npy", "is a device")
      case .fifo:
        #expect(mkfifo(scratch + "/fifo.npy", 0o600) == 0)
        return (scratch + "/fifo.npy", "is a FIFO")
      case .directory:
        try manager.createDirectory(atPath: scratch + "/folder.npy", withIntermediateDirectories: false)
        return (scratch + "/folder.npy", "is a directory")
      case .symlinkLoop:
        try manager.createSymbolicLink(atPath: scratch + "/loop.npy", withDestinationPath: scratch + "/loop.npy")
        return (scratch + "/loop.npy", "symlink loop")
      case .missingFolder: return (scratch + "/missing/out.npy", "does not exist")
      // /proc refuses new files even to root, whom permission bits do not stop.
      case .unwritableFolder: return (OutputSafetyTests.unwritable, "not writable")
      case .regularFile:
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch + "/file"))
        return (scratch + "/file", "not a directory")
      case .writtenNameIsInput:
        try manager.createDirectory(atPath: scratch + "/out", withIntermediateDirectories: false)
        try manager.linkItem(atPath: input, toPath: scratch + "/out/" + writtenName!)
        return (scratch + "/out", "is an input")
      }
    }
  }

  /// Runs `writer` with its output at `place` and checks the contract: exit 2, one plain line
  /// naming the option and the path, the input and the place unchanged.
  static func expectRefused(_ writer: Writer, at place: Place) throws {
    if place == .writtenNameIsInput && writer.writtenName == nil { return }  // lab report reads no file it could overwrite
    if place == .missingFolder && writer.createsFolder { return }  // created, as the command's help says
    let scratch = try Scratch.directory().path
    let input = fixture + "/" + writer.input
    let before = try Data(contentsOf: URL(fileURLWithPath: input))
    let (path, says) = try place.make(in: scratch, input: input, writtenName: writer.writtenName)
    let entries = try FileManager.default.contentsOfDirectory(atPath: scratch)
    let result = try LabExecutable.run(writer.arguments(fixture, path), in: URL(fileURLWithPath: scratch))
    let context = "\(writer.testDescription) at \(place): \(result.status) \(result.stderr)"
    #expect(result.status == 2, "\(context)")
    #expect(result.stderr.hasPrefix("error: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(context)")
    #expect(result.stderr.contains("'\(writer.option)'") && result.stderr.contains(path) && result.stderr.contains(says), "\(context)")
    for raw in ["NSCocoaErrorDomain", "Error Domain", "Code=", "You don't have permission"] { #expect(!result.stderr.contains(raw), "\(context)") }
    #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before, "\(context): the input changed")
    #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).sorted() == entries.sorted(), "\(context): something was written")
  }

  @Test("A file output at a hostile place is refused before any work", arguments: writers.filter { !$0.isDirectory }, Place.forFiles)
  func fileOutputs(_ writer: Writer, _ place: Place) throws {
    try Self.expectRefused(writer, at: place)
  }

  @Test("A directory output at a hostile place is refused before any work", arguments: writers.filter(\.isDirectory), Place.forDirectories)
  func directoryOutputs(_ writer: Writer, _ place: Place) throws {
    try Self.expectRefused(writer, at: place)
  }

  @Test("Outputs are checked before any input is read (so before any computation)", arguments: writers.filter { $0.withoutInput != nil })
  func outputsFirst(_ writer: Writer) throws {
    let result = try LabExecutable.run(writer.withoutInput!(Self.fixture, Self.unwritable))
    #expect(result.status == 2 && result.stderr.contains("'\(writer.option)'") && result.stderr.contains("not writable"),
            "\(writer.testDescription): \(result.stderr)")
  }

  @Test("train --checkpoint . and --out . write only their own files: nothing else in the directory changes")
  func checkpointIntoWorkingDirectory() throws {
    let scratch = try Scratch.directory()
    let keep = scratch.appendingPathComponent("notes.txt")
    try Data("keep me".utf8).write(to: keep)
    try FileManager.default.copyItem(atPath: Self.fixture + "/world/X.npy", toPath: scratch.appendingPathComponent("X.npy").path)
    let result = try LabExecutable.run(["train", "--data", "X.npy"] + Self.trainArguments + ["--out", ".", "--checkpoint", "."], in: scratch)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Data(contentsOf: keep) == Data("keep me".utf8))
    let names = Set(try FileManager.default.contentsOfDirectory(atPath: scratch.path))
    #expect(names == ["notes.txt", "X.npy", "cfg.json", "sae_weights.safetensors", "state.json", "state.safetensors"], "\(names)")
  }

  @Test("Two outputs of one command that are the same file are refused")
  func outputsCollide() throws {
    let scratch = try Scratch.directory().path
    let result = try LabExecutable.run(["check", "--data", Self.fixture + "/world/X.npy", "--dictionary", Self.fixture + "/world/dictionary.npy",
                                        "--lambda", "0.05", "--json-out", scratch + "/same", "--report", scratch + "/same"])
    #expect(result.status == 2 && result.stderr.contains("'--report' and '--json-out' would both write"), "\(result.stderr)")
  }
}
