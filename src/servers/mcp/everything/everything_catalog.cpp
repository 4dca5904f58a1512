// The `everything` toolset's resources and prompts, and its binary fixtures.
#include <boost/asio/steady_timer.hpp>

#include "protocol/mcp/mcp.hpp"
#include "servers/mcp/everything/everything.hpp"

namespace kaos::mcp {
namespace {

namespace pmcp = protocol::mcp;

using Contents = Result<std::vector<ResourceContents>>;

Resource text_resource(std::string uri, std::string name, std::string description, std::string text) {
  Resource r;
  r.uri = uri;
  r.name = std::move(name);
  r.description = std::move(description);
  r.mime_type = "text/plain";
  r.read = [uri, text](const std::string&) -> Task<Contents> {
    co_return std::vector<ResourceContents>{ResourceContents{uri, "text/plain", text, std::nullopt}};
  };
  return r;
}

json::object user(json::object content) {
  return json::object{{"role", "user"}, {"content", std::move(content)}};
}

}  // namespace

std::string everything_png_base64() {
  // A 1x1 red PNG (signature, IHDR, IDAT, IEND).
  return "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
}

std::string everything_wav_base64() {
  // 100 ms of silence: 8 kHz, 8-bit mono PCM (RIFF/WAVE header + 800 samples at 0x80).
  const std::uint32_t samples = 800;
  std::string wav;
  auto u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) wav += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  auto u16 = [&](std::uint16_t v) {
    wav += static_cast<char>(v & 0xFF);
    wav += static_cast<char>(v >> 8);
  };
  wav += "RIFF";
  u32(36 + samples);
  wav += "WAVEfmt ";
  u32(16);
  u16(1);     // PCM
  u16(1);     // mono
  u32(8000);  // sample rate
  u32(8000);  // byte rate
  u16(1);     // block align
  u16(8);     // bits per sample
  wav += "data";
  u32(samples);
  wav.append(samples, static_cast<char>(0x80));
  return pmcp::base64_encode(wav);
}

void add_everything_resources(McpServer& server) {
  server.add_resource(text_resource("test://static-text", "Static text", "A static text resource",
                                    "This is the content of the static text resource."));
  Resource binary;
  binary.uri = "test://static-binary";
  binary.name = "Static binary";
  binary.description = "A static binary resource (PNG image)";
  binary.mime_type = "image/png";
  binary.read = [](const std::string& uri) -> Task<Contents> {
    co_return std::vector<ResourceContents>{ResourceContents{uri, "image/png", std::nullopt, everything_png_base64()}};
  };
  server.add_resource(std::move(binary));
  server.add_resource(text_resource("test://watched-resource", "Watched resource",
                                    "A resource clients may subscribe to", "Watched resource content."));

  ResourceTemplate templ;
  templ.uri_template = "test://template/{id}/data";
  templ.name = "Template data";
  templ.description = "Data for an id, from a URI template";
  templ.mime_type = "application/json";
  templ.read = [](const std::string& uri, const std::map<std::string, std::string>& vars) -> Task<Contents> {
    const auto& id = vars.at("id");
    json::object data{{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
    co_return std::vector<ResourceContents>{ResourceContents{uri, "application/json", to_json(data), std::nullopt}};
  };
  server.add_resource_template(std::move(templ));
}

void add_everything_prompts(McpServer& server) {
  Prompt simple;
  simple.name = "test_simple_prompt";
  simple.description = "A simple prompt without arguments";
  simple.get = [](const std::map<std::string, std::string>&) -> Task<Result<json::array>> {
    co_return json::array{user(pmcp::text_content("This is a simple prompt for testing."))};
  };
  server.add_prompt(std::move(simple));

  Prompt with_args;
  with_args.name = "test_prompt_with_arguments";
  with_args.description = "A prompt with two required arguments";
  with_args.arguments = {{"arg1", "First test argument", true, {"paris", "park", "party", "test", "testing"}},
                         {"arg2", "Second test argument", true, {}}};
  with_args.get = [](const std::map<std::string, std::string>& a) -> Task<Result<json::array>> {
    co_return json::array{
        user(pmcp::text_content("Prompt with arguments: arg1='" + a.at("arg1") + "', arg2='" + a.at("arg2") + "'"))};
  };
  server.add_prompt(std::move(with_args));

  Prompt embedded;
  embedded.name = "test_prompt_with_embedded_resource";
  embedded.description = "A prompt that embeds a resource";
  embedded.arguments = {{"resourceUri", "URI of the resource to embed", true, {}}};
  embedded.get = [](const std::map<std::string, std::string>& a) -> Task<Result<json::array>> {
    co_return json::array{
        user(pmcp::embedded_text_resource(a.at("resourceUri"), "text/plain", "Embedded resource content for testing.")),
        user(pmcp::text_content("Please process the embedded resource above."))};
  };
  server.add_prompt(std::move(embedded));

  Prompt image;
  image.name = "test_prompt_with_image";
  image.description = "A prompt with an image";
  image.get = [](const std::map<std::string, std::string>&) -> Task<Result<json::array>> {
    co_return json::array{user(pmcp::image_content(everything_png_base64(), "image/png")),
                          user(pmcp::text_content("Please analyze the image above."))};
  };
  server.add_prompt(std::move(image));
}

}  // namespace kaos::mcp
