import Foundation

extension Array where Element: Sendable {
    /// `map` over one contiguous slice per core, results in the original order. For CPU-bound
    /// per-element work (checking and sealing imported rows) on blocks of a few thousand elements;
    /// small arrays are mapped in place.
    public func concurrentMap<T: Sendable>(minimumSlice: Int = 256, _ transform: @escaping @Sendable (Element) -> T) async -> [T] {
        let slices = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / Swift.max(1, minimumSlice))
        if slices <= 1 { return map(transform) }
        let size = (count + slices - 1) / slices
        return await withTaskGroup(of: (Int, [T]).self) { group in
            for s in 0..<slices {
                let part = Array(self[(s * size) ..< Swift.min(count, (s + 1) * size)])
                group.addTask { (s, part.map(transform)) }
            }
            var parts = [[T]](repeating: [], count: slices)
            for await (s, mapped) in group { parts[s] = mapped }
            return parts.flatMap { $0 }
        }
    }
}
