"""Live streams: domain events published after commit (`bus`), and who sees what
(`streams`, `hub`). The HTTP side (WebSocket, SSE) lives in `fedcity.api.streaming`."""
