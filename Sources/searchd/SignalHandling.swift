import Foundation
import Logging
import Server

/// SIGHUP, SIGTERM and SIGINT, blocked in every thread from the start of `main` and taken one at a
/// time by a thread of their own with `sigwait`, so that a signal sent at any moment is handled. (A
/// dispatch signal source ignored a signal sent before it was armed: a SIGTERM right after the
/// listening line left searchd running, about one time in six.)
final class SignalHandling: @unchecked Sendable {
    private static var handled: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGHUP, SIGTERM, SIGINT] { sigaddset(&set, number) }
        return set
    }

    /// Called first in `main`: threads inherit the mask of the thread that starts them.
    static func blockInEveryThread() {
        var set = handled
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private let logger: Logger
    private let lock = NSLock()
    private var server: SearchServer?
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts taking signals. Until `handle` is called (the index is still being built), SIGTERM and
    /// SIGINT end the process as they would by default, and SIGHUP is ignored.
    init(logger: Logger) {
        self.logger = logger
        Thread { [self] in takeSignals() }.start()
    }

    /// From now on SIGHUP reloads `server`'s index and SIGTERM or SIGINT stop it (a second one ends the
    /// process at once): called before saying where it listens, since a client may signal as soon as
    /// it reads that.
    func handle(_ server: SearchServer) {
        lock.withLock { self.server = server }
    }

    /// Returns once SIGTERM or SIGINT has stopped the server.
    func waitUntilStopped() {
        stopped.wait()
    }

    private func takeSignals() {
        var set = Self.handled
        var stopping = false
        while true {
            var number: Int32 = 0
            guard sigwait(&set, &number) == 0 else { continue }
            guard let server = lock.withLock({ self.server }) else {
                if number != SIGHUP { exit(128 + number) }
                continue
            }
            if number == SIGHUP {
                if stopping { continue }
                do { _ = try server.service.reload() } catch { logger.error("reload refused: \(error); the previous index keeps serving") }
            } else if stopping {
                // A second SIGTERM or SIGINT (Ctrl-C twice) does not wait for the clients any more.
                logger.warning("stopping at once: connections still open are cut")
                exit(128 + number)
            } else {
                stopping = true
                logger.info("stopping: answering the requests already read")
                // Stopped on a thread of its own: this one goes on taking signals meanwhile.
                Thread { [self] in
                    server.stop()
                    stopped.signal()
                }.start()
            }
        }
    }
}
