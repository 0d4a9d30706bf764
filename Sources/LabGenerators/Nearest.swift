/// "Did you mean" suggestions by Levenshtein distance.
public enum Nearest {
  /// The name in `names` closest to `name` (ties: the first); empty when `names` is empty.
  public static func name(to name: String, in names: [String]) -> String {
    names.min { distance(name, $0) < distance(name, $1) } ?? ""
  }

  /// The number of single-character insertions, deletions and substitutions turning `a` into `b`.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
      var current = [i + 1]
      for (j, cb) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
}
