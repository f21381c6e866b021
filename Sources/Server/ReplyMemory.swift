import Synchronization

/// The bytes of replies encoded and not yet written to their sockets, over every connection of both
/// ports. Each connection stops being served once it holds 256 KiB unread, but a reply can be far
/// larger (`SEARCH LIMIT 10000 SNIPPET 10000 …`: 17 MB over frdocs), so that many connections whose
/// clients read nothing could each hold a few such replies. Past the server's limit, the requests
/// whose replies can be large are refused with `busy` until the clients read (as Elasticsearch's
/// circuit breakers refuse a request with 429): what the server holds stays under the limit plus
/// one reply a thread.
final class ReplyMemory: Sendable {
    private let held = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    var bytesHeld: Int { held.load(ordering: .relaxed) }
    /// Requests refused with `busy` so far.
    var refusals: Int { refused.load(ordering: .relaxed) }

    func hold(_ bytes: Int) {
        held.wrappingAdd(bytes, ordering: .relaxed)
    }

    func release(_ bytes: Int) {
        held.wrappingSubtract(bytes, ordering: .relaxed)
    }

    /// Whether `request` is refused now (and counted so): it may make a large reply and the replies
    /// held have reached `limit`. Connection commands, counts and the index's statistics always run.
    func refuses(_ request: Request, limit: Int) -> Bool {
        switch request {
        case .search, .get, .highlight, .terms, .analyze:
            guard bytesHeld >= limit else { return false }
            refused.wrappingAdd(1, ordering: .relaxed)
            return true
        case .ping, .count, .suggest, .complete, .stats, .fields, .reload, .format, .auth, .help, .quit: return false
        }
    }

    /// The reply to a request refused past `limit`.
    func busy(limit: Int) -> ProtocolError {
        ProtocolError(code: .busy, message: "replies not yet read by their clients hold \(bytesHeld >> 20) MB, "
                      + "over the server's \(limit >> 20) MB (--max-reply-memory); try again")
    }
}
