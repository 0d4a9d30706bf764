import Foundation

/// The `lab` executable built beside the test bundle, and runs of it.
public enum LabExecutable {
  /// What one run of `lab` printed and how it ended.
  public struct Run: Sendable {
    /// The exit status.
    public var status: Int32
    /// Everything written to standard output.
    public var stdout: String
    /// Everything written to standard error.
    public var stderr: String
  }

  /// The `lab` binary in the build directory of the running test bundle.
  public static let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lab")

  /// Runs `lab` (or another `executable`, such as a wrapper that starts it) with `arguments` to the
  /// end (extra `environment` variables over the inherited ones, without the variables in `unset`),
  /// in `directory` when given.
  public static func run(_ arguments: [String], environment: [String: String] = [:], unsetting unset: Set<String> = [],
                         in directory: URL? = nil, executable: URL = url) throws -> Run {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if !environment.isEmpty || !unset.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.filter { !unset.contains($0.key) }
    }
    // Standard error goes to a file, so that neither pipe can fill up and block the other.
    let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("lab-stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorLog) }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: errorLog)
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let stderr = (try? Data(contentsOf: errorLog)) ?? Data()
    return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
               stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// Starts `lab` with `arguments`, its output discarded, and returns the running process.
  public static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }
}
