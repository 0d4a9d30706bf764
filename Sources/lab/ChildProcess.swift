import Foundation

/// A command run to its exit, as `lab bench` runs `lab` itself and the peers' scripts: started by
/// `posix_spawn` and waited for in `wait4`, so the wall time ends when the child exits. Foundation's
/// `Process.waitUntilExit` notices an exit on a run loop, tens of milliseconds late, which is most
/// of the difference between a 0.2 s process and its peer timed in-process.
enum ChildProcess {
  /// Where one of the child's output streams goes.
  enum Output {
    /// /dev/null.
    case discard
    /// A file, created or truncated.
    case file(String)
  }

  /// How the child ended.
  struct Outcome {
    /// The exit code, or −1 when a signal ended it.
    var status: Int32
    /// Seconds from the spawn to the exit.
    var wallSeconds: Double
    /// The child's user plus system seconds, all its threads.
    var cpuSeconds: Double
    /// The child's peak resident set size in bytes (`ru_maxrss`, kilobytes on Linux).
    var peakResidentBytes: Int
    /// Whether the timeout ended it.
    var timedOut: Bool
  }

  /// Runs `executable` (a path) with `arguments`, this process's environment with `environment`
  /// over it, in `directory` when given; stopped with SIGTERM after `timeout` seconds when given.
  static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                  standardOutput: Output = .discard, standardError: Output = .discard, timeout: Double? = nil) throws -> Outcome {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (descriptor, output) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
      switch output {
      case .discard: posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
      case .file(let path): posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
      }
    }
    if let directory { _ = spawnActionChangeDirectory(&actions, directory) }
    // Every signal at its default action and none blocked, as a fresh process has them: ignored
    // signals (lab ignores SIGXFSZ, a test runner may ignore SIGTERM) and the mask are inherited.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var all = sigset_t(), none = sigset_t()
    sigfillset(&all)
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid = pid_t()
    let started = DispatchTime.now().uptimeNanoseconds
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard spawned == 0 else { throw PeerBenchmark.PeerError(message: "could not start \(executable): \(String(cString: strerror(spawned)))") }
    let watch = timeout.map { Deadline(pid: pid, seconds: $0) }
    // Wait without reaping, so that the deadline can never signal a reused pid; then reap.
    var info = siginfo_t()
    while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
    let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let timedOut = watch?.finish() ?? false
    var status: Int32 = 0, usage = rusage()
    while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    // The wait status: the exit code in bits 8–15 when the low 7 bits (the signal) are 0.
    return Outcome(status: status & 0x7F == 0 ? (status >> 8) & 0xFF : -1, wallSeconds: wall,
                   cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime), peakResidentBytes: usage.ru_maxrss * 1024, timedOut: timedOut)
  }

  /// Sends SIGTERM to a child still running after its time, unless it finished first.
  private final class Deadline: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false, fired = false

    init(pid: pid_t, seconds: Double) {
      DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
        lock.withLock {
          guard !finished else { return }
          fired = true
          kill(pid, SIGTERM)
        }
      }
    }

    /// Marks the child finished (it is not reaped yet) and returns whether the deadline stopped it.
    func finish() -> Bool {
      lock.withLock {
        finished = true
        return fired
      }
    }
  }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29), which Swift's Glibc module does not declare.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnActionChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32
