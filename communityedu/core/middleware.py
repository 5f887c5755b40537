from communityedu.core import context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.activate(context.RequestContext(source_ip=context.client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            context.deactivate(token)
