// The face glue: connects the server to app/api's ApiRouter when that library is built
// (TBGW_HAVE_API, set by app/http/CMakeLists.txt), else to a stand-in that answers 503 for
// every route and streams a minimal status document (so the server can be built, run and
// tested on its own).
#include <nlohmann/json.hpp>

#include "app/http/http_face.hpp"

#ifdef TBGW_HAVE_API
#include "app/api/api_router.hpp"
#endif

namespace tbgw::app::http {

// `io` is unused when the API is not built in.
RouterHooks make_router_hooks([[maybe_unused]] boost::asio::io_context& io,
                              GatewayServices& services) {
  RouterHooks h;
#ifdef TBGW_HAVE_API
  auto router = std::make_shared<api::ApiRouter>(io, services);
  h.handle = [router](const api::ApiRequest& r, api::Reply reply) {
    router->handle(r, std::move(reply));
  };
  h.status_json = [router] { return router->status_json(); };
  h.alert_json = [router](const msg::AlertChanged& a) { return router->alert_json(a); };
  h.can_frames_json = [router] { return router->can_frames_json(); };
  h.stop = [router] { router->stop(); };
#else
  const GatewayServices* s = &services;
  h.handle = [](const api::ApiRequest&, api::Reply reply) {
    reply(json_error(503, "unavailable", "the API routes are not built into this binary"));
  };
  h.status_json = [s] {
    nlohmann::json j = nlohmann::json::object();
    if (const auto* snap = s->channels().snapshot.latest()) {
      j["soc_pct"] = snap->soc_pct;
      j["pack_voltage_v"] = snap->pack_voltage_v;
      j["pack_current_a"] = snap->pack_current_a;
      j["bms_lifetime_s"] = snap->bms_lifetime_s;
    }
    j["published"] = s->channels().snapshot.stats().published;
    return j.dump();
  };
  h.alert_json = [](const msg::AlertChanged& a) {
    return nlohmann::json{{"id", static_cast<int>(a.id)}}.dump();
  };
  h.can_frames_json = [] { return std::string("{}"); };
#endif
  return h;
}

}  // namespace tbgw::app::http
